from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from seminars.formatting import series_time
from seminars.models import Series
from seminars.organisers.forms import WEEKDAYS, PlanTermForm
from seminars.organisers.planning import create_placeholders, plan_term

WEEKDAY_NUMBERS = {name.lower(): number for number, name in WEEKDAYS}


class Command(BaseCommand):
    help = (
        "Book a term's weekly slots as draft placeholder talks (“Speaker to be announced”). "
        "Days on which the series already has a talk are left alone, so running it again "
        "adds nothing twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("series", help="The series' slug, e.g. systems-seminar.")
        parser.add_argument("--from", dest="first_day", required=True, help="YYYY-MM-DD")
        parser.add_argument("--to", dest="last_day", required=True, help="YYYY-MM-DD")
        parser.add_argument(
            "--weekday", required=True, choices=sorted(WEEKDAY_NUMBERS), type=str.lower
        )
        parser.add_argument("--time", help="HH:MM in the series' timezone (default: its usual)")
        parser.add_argument("--every", type=int, default=1, help="Every N weeks (default 1).")
        parser.add_argument(
            "--skip", nargs="*", default=[], help="Dates to leave out (holidays), YYYY-MM-DD."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Show the slots without creating anything."
        )

    def handle(self, *args, **options):
        series = Series.objects.filter(slug=options["series"]).first()
        if series is None:
            raise CommandError(f"There is no series “{options['series']}”.")
        form = PlanTermForm(
            {
                "first_day": options["first_day"],
                "last_day": options["last_day"],
                "weekday": WEEKDAY_NUMBERS[options["weekday"]],
                "start_time": options["time"] or series.default_start_time.strftime("%H:%M"),
                "every_weeks": options["every"],
                "skip_dates": " ".join(options["skip"]),
            }
        )
        if not form.is_valid():
            problems = "; ".join(
                f"{name}: {' '.join(errors)}" for name, errors in form.errors.items()
            )
            raise CommandError(problems)
        try:
            slots = plan_term(series, **form.cleaned_data)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        for slot in slots:
            state = "new" if slot.is_free else f"taken by “{slot.taken_by}”"
            self.stdout.write(f"{series_time(slot.start)}  {state}")
        if options["dry_run"]:
            self.stdout.write(f"{sum(s.is_free for s in slots)} placeholder(s) would be created.")
            return
        created = create_placeholders(series, slots)
        self.stdout.write(self.style.SUCCESS(f"Created {len(created)} placeholder talk(s)."))
