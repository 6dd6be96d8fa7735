from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from seminars.invitations.reminders import queue_due_reminders
from seminars.mail.audience import queue_due_subscriber_mail
from seminars.mail.list_announcements import STUCK_AFTER, due_announcements, queue_due_announcements
from seminars.models import Announcement


class Command(BaseCommand):
    help = (
        "Queue for the mail worker (manage.py db_worker) what is due: the announcements to the "
        "series' list addresses, each once, what is due to email subscribers (announcements, "
        "digests, change notices) and the reminders to invited speakers. Safe to run from cron "
        "every few minutes, even when two runs overlap; a failed send is queued again by the "
        "next run."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--due",
            action="store_true",
            help="Queue every announcement whose time has come and that was not sent yet.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="With --due: list them, queue nothing."
        )

    def handle(self, *args, due=False, dry_run=False, **options):
        if not due:
            raise CommandError("Say what to send: --due sends the announcements that are due.")
        now = timezone.now()
        if dry_run:
            for target in due_announcements(now):
                self.stdout.write(f"Due: {target} → {target.series.announcement_email}")
            return
        claimed = queue_due_announcements(now)
        queued = queue_due_subscriber_mail(now)
        reminded = queue_due_reminders(now)
        if reminded:
            self.stdout.write(f"Queued reminders to invited speakers: {reminded}.")
        if queued:
            self.stdout.write(f"Queued for email subscribers: {queued} message(s).")
        for item in claimed:
            again = f" (attempt {item.attempts}: the last one failed)" if item.attempts > 1 else ""
            self.stdout.write(f"Queued: {item} → {item.recipient}{again}")
        for item in Announcement.objects.stuck(now, STUCK_AFTER):
            self.stderr.write(
                f"Stuck since {item.claimed_at:%Y-%m-%d %H:%M %Z}: {item} (queued and not "
                "sent since: is the mail worker, manage.py db_worker, running? If it stopped "
                "while sending, delete the record in the admin to send it again)"
            )
        if not claimed:
            self.stdout.write("No announcements are due.")
