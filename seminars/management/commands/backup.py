import tarfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone

# Rebuilt by migrate (content types, permissions) or worthless in a copy (sessions, login
# throttling): a backup without them loads into any empty database, SQLite or PostgreSQL.
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "axes"]
DATA_FILE = "data.json"
MEDIA_FILE = "media.tar.gz"


class Command(BaseCommand):
    help = (
        "Write a portable backup: the database as JSON (natural keys) and the uploaded "
        "media, into a new folder under backups/ (or the folder given)."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", nargs="?", help="Where to write (default: backups/<time>).")

    def handle(self, *args, folder=None, **options):
        target = Path(
            folder or settings.BASE_DIR / "backups" / timezone.now().strftime("%Y%m%d-%H%M%S")
        )
        # The data holds password hashes and speakers' private addresses: only the owner may
        # read the folder and its files, whatever the umask (which mkdir's mode is subject to).
        target.mkdir(mode=0o700, parents=True, exist_ok=False)
        target.chmod(0o700)
        for name in (DATA_FILE, MEDIA_FILE):
            (target / name).touch(mode=0o600, exist_ok=False)
            (target / name).chmod(0o600)
        call_command(
            "dumpdata",
            exclude=EXCLUDED,
            natural_foreign=True,
            natural_primary=True,
            indent=1,
            output=str(target / DATA_FILE),
            verbosity=0,
        )
        media = Path(settings.MEDIA_ROOT)
        with tarfile.open(target / MEDIA_FILE, "w:gz") as archive:
            if media.is_dir():
                archive.add(media, arcname=".")
        self.stdout.write(self.style.SUCCESS(f"Backup written to {target}"))
