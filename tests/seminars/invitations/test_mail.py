"""Invitation mail through the queue and a real SMTP server: the invitation, reminders once
each, the organisers told of a decline, nothing sent once the link is revoked."""

import datetime
import io
import re

import pytest
from django.core.management import call_command

from seminars.invitations.models import Invitation
from seminars.invitations.services import answer_invitation, revoke_invitation
from seminars.mail.models import Delivery
from tests.smtp import drain_mail_queue, text_of

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def run_cron() -> str:
    out = io.StringIO()
    call_command("send_announcements", "--due", stdout=out)
    return out.getvalue()


def test_invitation_mail_carries_the_personal_link(draft, invite, smtp_server, client):
    ada, _ = invite(draft)
    drain_mail_queue()
    [mail] = smtp_server.to("ada@example.org")
    assert mail["Subject"] == "Your talk at Test Seminar: please confirm and add your details"
    text = text_of(mail)
    assert text.startswith("Dear Ada Lovelace,\n\nThank you for speaking at Test Seminar.")
    [link] = re.findall(r"https?://\S+/speak/\S+/", text)
    assert link.endswith(f"/speak/{ada.token}/")
    assert "List-Unsubscribe" not in mail
    assert "grace@example.org" not in mail.as_string()
    assert client.get(f"/speak/{ada.token}/").status_code == 200
    assert [m["To"] for m in smtp_server.messages] == ["ada@example.org", "grace@example.org"]


def test_reminders_go_once_each(draft, invite, smtp_server, clock):
    draft.series.remind_unconfirmed_after_days = 3
    draft.series.save()
    invite(draft)  # 2 Dec; the talk is on 8 Dec: its abstract is due (14 days before)
    drain_mail_queue()
    smtp_server.messages.clear()
    assert run_cron().count("Queued reminders to invited speakers: 2.") == 1
    run_cron()
    drain_mail_queue()
    assert sorted((m["To"], m["Subject"]) for m in smtp_server.messages) == [
        ("ada@example.org", "Reminder: your talk at Test Seminar needs an abstract"),
        ("grace@example.org", "Reminder: your talk at Test Seminar needs an abstract"),
    ]
    smtp_server.messages.clear()

    clock.shift(3 * DAY + datetime.timedelta(hours=1))
    run_cron()
    run_cron()
    drain_mail_queue()
    assert sorted((m["To"], m["Subject"]) for m in smtp_server.messages) == [
        ("ada@example.org", "Reminder: please confirm your talk at Test Seminar"),
        ("grace@example.org", "Reminder: please confirm your talk at Test Seminar"),
    ]
    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == 6


def test_no_reminder_to_confirm_after_an_answer_nor_when_turned_off(
    draft, invite, smtp_server, clock
):
    ada, grace = invite(draft)
    draft.abstract = "Written."
    draft.save()
    answer_invitation(ada, confirmed=True)
    draft.series.remind_unconfirmed_after_days = 0
    draft.series.save()
    clock.shift(5 * DAY)
    run_cron()
    assert Delivery.objects.exclude(kind=Delivery.Kind.INVITE).count() == 0
    draft.series.remind_unconfirmed_after_days = 3
    draft.series.save()
    run_cron()
    assert list(
        Delivery.objects.exclude(kind=Delivery.Kind.INVITE).values_list("invitation", "kind")
    ) == [(grace.pk, Delivery.Kind.REMIND_CONFIRM)]


def test_a_queued_reminder_is_not_sent_once_answered(draft, invite, smtp_server, clock):
    draft.series.remind_unconfirmed_after_days = 3
    draft.series.save()
    ada, _ = invite(draft)
    drain_mail_queue()
    clock.shift(7 * DAY - datetime.timedelta(days=1))  # 8 Dec, 15:00 UTC: before the talk
    draft.abstract = "Written."
    draft.save()
    run_cron()
    answer_invitation(ada, confirmed=True)
    smtp_server.messages.clear()
    drain_mail_queue()
    assert [m["To"] for m in smtp_server.messages] == ["grace@example.org"]
    assert Delivery.objects.get(invitation=ada, kind=Delivery.Kind.REMIND_CONFIRM).status == (
        Delivery.Status.SKIPPED
    )


def test_a_revoked_invitation_is_not_mailed(draft, invite, smtp_server):
    ada, _ = invite(draft)
    revoke_invitation(ada)
    drain_mail_queue()
    assert [m["To"] for m in smtp_server.messages] == ["grace@example.org"]


def test_a_decline_tells_the_organisers_at_once(client, draft, invite, smtp_server, organiser):
    ada, _ = invite(draft)
    client.post(f"/speak/{ada.token}/", {"answer": "decline"})
    drain_mail_queue()
    [notice] = smtp_server.to("olga@example.org")
    # Python folds a non-ASCII subject onto the next line: unfolded, it keeps a leading space.
    assert notice["Subject"].strip() == f"Ada Lovelace declined “{draft.title}” (Test Seminar)"
    assert f"/admin/seminars/talk/{draft.pk}/change/" in text_of(notice)
    # Declining again sends nothing more.
    client.post(f"/speak/{ada.token}/", {"answer": "confirm"})
    client.post(f"/speak/{ada.token}/", {"answer": "decline"})
    drain_mail_queue()
    assert len(smtp_server.to("olga@example.org")) == 1
    assert Invitation.objects.get(pk=ada.pk).status == Invitation.Status.DECLINED


def test_a_failed_send_logs_no_address(published, invite, smtp_server, caplog):
    invite(published)
    smtp_server.refuse_with = "550 No such user edsger@example.org"
    drain_mail_queue()
    assert "No such user <recipient>" in caplog.text
    assert "example.org" not in caplog.text
    assert "example.org" not in "".join(Delivery.objects.values_list("error", flat=True))
