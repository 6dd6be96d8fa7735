import json

from django.core.management.base import BaseCommand

from seminars.devdata import DEMO_FILE
from seminars.devdata.demo import load_demo, remove_demo


class Command(BaseCommand):
    help = (
        "Load the demo series (ten talks of the Systems Seminar, weekly on Tuesdays, "
        "five past and five upcoming). Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Remove the demo talks first and load them afresh with dates around today.",
        )

    def handle(self, *args, reset=False, **options):
        data = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
        if reset:
            removed = remove_demo(data)
            self.stdout.write(f"Removed the demo ({removed} rows).")
        created = load_demo(data)
        if created:
            self.stdout.write(self.style.SUCCESS(f"Loaded {created} demo talks."))
        else:
            self.stdout.write("The demo talks are already loaded; nothing changed.")
