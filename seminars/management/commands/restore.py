import tarfile
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from seminars.management.commands.backup import DATA_FILE, MEDIA_FILE
from seminars.models import ContentVersion, Talk
from speakers.models import Speaker


class Command(BaseCommand):
    help = (
        "Load a backup written by `manage.py backup` into this (empty, migrated) database "
        "and put its media files back."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="A folder written by `manage.py backup`.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace what this database holds now (it is deleted first).",
        )

    def handle(self, *args, folder, force=False, **options):
        source = Path(folder)
        if not (source / DATA_FILE).is_file():
            raise CommandError(f"{source} is not a backup: it has no {DATA_FILE}.")
        if not force and (Talk.objects.exists() or Speaker.objects.exists()):
            raise CommandError(
                "This database already holds talks or speakers; restore into an empty "
                "database, or use --force to replace them."
            )
        with transaction.atomic():
            before = ContentVersion.objects.current()
            # The backup holds every row, the defaults that migrations made included.
            call_command("flush", interactive=False, verbosity=0)
            call_command("loaddata", str(source / DATA_FILE), verbosity=0)
            ContentType.objects.clear_cache()  # flush made them anew, under other ids
            # The backup's version may be older than this site's: move past both, so that
            # nothing cached (or held by a client) under a version used before matches.
            ContentVersion.objects.move_past(before)
        media_archive = source / MEDIA_FILE
        if media_archive.is_file():
            Path(settings.MEDIA_ROOT).mkdir(parents=True, exist_ok=True)
            with tarfile.open(media_archive, "r:gz") as archive:
                archive.extractall(settings.MEDIA_ROOT, filter="data")
        self.stdout.write(self.style.SUCCESS(f"Restored {source}"))
