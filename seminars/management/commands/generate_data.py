import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from seminars.devdata.generate import HOST_NAME, generate_data


class Command(BaseCommand):
    help = (
        "Add a large generated dataset for benchmarks: ten years of weekly talks in several "
        "series, shared speakers, some cancelled talks and drafts. Not for production data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--talks", type=int, default=5000, help="How many talks (5000).")
        parser.add_argument("--seed", type=int, default=8, help="The same seed, the same data.")

    def handle(self, *args, talks, seed, **options):
        if talks < 1:
            raise CommandError("--talks must be at least 1.")
        started = time.perf_counter()
        made = generate_data(talks, seed=seed)
        if connection.vendor == "postgresql":
            # Fresh statistics, or the planner takes the new tables for nearly empty.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        seconds = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {made.talks} talks in {made.series} series with "
                f"{made.speakers} speakers from {made.affiliations} affiliations "
                f"in {seconds:.1f} s."
            )
        )
        self.stdout.write(f"“{HOST_NAME}” speaks at every generated talk (the largest feed).")
