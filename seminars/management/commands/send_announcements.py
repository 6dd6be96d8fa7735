from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from seminars.invitations.reminders import queue_due_reminders
from seminars.mail.audience import queue_due_subscriber_mail
from seminars.mail.send import STUCK_AFTER, due_announcements, send_due_announcements
from seminars.models import Announcement


class Command(BaseCommand):
    help = (
        "Mail the announcements that are due to the series' list addresses, each once, and "
        "queue what is due to email subscribers (announcements, digests, change notices) and the "
        "reminders to invited speakers for "
        "the worker (manage.py db_worker). Safe to run from cron every few minutes, even when "
        "two runs overlap."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--due",
            action="store_true",
            help="Send every announcement whose time has come and that was not sent yet.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="With --due: list them, send nothing."
        )

    def handle(self, *args, due=False, dry_run=False, **options):
        if not due:
            raise CommandError("Say what to send: --due sends the announcements that are due.")
        now = timezone.now()
        if dry_run:
            for target in due_announcements(now):
                self.stdout.write(f"Due: {target} → {target.series.announcement_email}")
            return
        results = send_due_announcements(now)
        queued = queue_due_subscriber_mail(now)
        reminded = queue_due_reminders(now)
        if reminded:
            self.stdout.write(f"Queued reminders to invited speakers: {reminded}.")
        if queued:
            self.stdout.write(f"Queued for email subscribers: {queued} message(s).")
        failed = [item for item in results if item.status == Announcement.Status.FAILED]
        for item in results:
            if item.status == Announcement.Status.SENT:
                self.stdout.write(f"Sent: {item} → {item.recipient}")
            else:
                self.stderr.write(f"Failed: {item} → {item.recipient}: {item.error}")
        for item in Announcement.objects.stuck(now, STUCK_AFTER):
            self.stderr.write(
                f"Stuck since {item.claimed_at:%Y-%m-%d %H:%M %Z}: {item} (the run that "
                "claimed it stopped; delete the record in the admin to send it again)"
            )
        if failed:
            raise CommandError(
                f"{len(failed)} announcement(s) could not be sent; the next run tries again."
            )
        if not results:
            self.stdout.write("No announcements are due.")
