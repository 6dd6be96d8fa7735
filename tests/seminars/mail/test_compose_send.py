import datetime
import threading

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections

from seminars.devdata.demo import load_demo
from seminars.mail import list_announcements as announcing
from seminars.mail.compose import talk_announcement, week_announcement
from seminars.mail.list_announcements import Target, due_announcements, queue_due_announcements
from seminars.mail.schedule import coming_week, week_talks
from seminars.models import Announcement, OnlineLinkVisibility, Series, Talk
from speakers.models import Affiliation, Speaker
from tests.clock import NOW
from tests.factories import TalkFactory
from tests.smtp import drain_mail_queue

pytestmark = pytest.mark.django_db

INFERENCE = "Inference and AI Infrastructure (Special Event for #BosTechWeek)"
INFERENCE_SLUG = "inference-and-ai-infrastructure-special-event-for-bostechweek"
INFERENCE_ABSTRACT = (
    "The market focus has shifted from building LLMs and training to how to serve these models "
    "and efficient inference. In this meet up we are discussing the AI inference stack and how "
    "optimizing it is a multi dimensional problem, the role of hardware and software co-design "
    "and how applications are the only deliverable. We also deep dive into MLCommons Chakra, a "
    "framework for capturing AI application execution graphs."
)
SITE = "https://seminars.example.org"
INFERENCE_TEXT = f"""\
Inference and AI Infrastructure (Special Event for #BosTechWeek)

Speakers: Venkat Pullela (Keysight), Tushar Krishna (Georgia Tech)
When: Tue 8 Dec 2026, 12:00–13:00 EST
Where: Seminar Room G115
Online: https://meet.example.org/inference

{INFERENCE_ABSTRACT}

Talk page: {SITE}/talks/{INFERENCE_SLUG}/
Add to your calendar: {SITE}/talks/{INFERENCE_SLUG}/calendar.ics
"""
# Saturday 5 December 2026, 10:00 in New York: the week from Monday 7 December is announced
# from 09:00 today when the series announces two days before.
SATURDAY = datetime.datetime(2026, 12, 5, 15, 0, tzinfo=datetime.UTC)


def inference_talk() -> Talk:
    return Talk.objects.with_speakers().get(title=INFERENCE)


@pytest.fixture
def series(demo) -> Series:
    """The demo series, announcing to a list two days ahead at 09:00."""
    series = Series.objects.get(slug="systems-seminar")
    series.announcement_email = "systems-list@example.org"
    series.announce_days_before = 2
    series.announce_time = datetime.time(9, 0)
    series.save()
    return series


@pytest.fixture
def week_of_7_december(series):
    """A draft (never announced) and a cancelled talk (announced as cancelled) that week."""
    TalkFactory(
        title="Secret draft",
        series=series,
        start=datetime.datetime(2026, 12, 9, 17, 0, tzinfo=datetime.UTC),
        status=Talk.Status.DRAFT,
    )
    TalkFactory(
        title="Called off",
        series=series,
        start=datetime.datetime(2026, 12, 10, 20, 0, tzinfo=datetime.UTC),
        location="Room 2",
        abstract="",
        status=Talk.Status.CANCELLED,
    )
    return series


def test_talk_announcement_text_is_exact_for_a_demo_talk(series):
    Talk.objects.filter(title=INFERENCE).update(
        online_url="https://meet.example.org/inference",
        online_link_visibility=OnlineLinkVisibility.PUBLIC,
    )

    message = talk_announcement(inference_talk(), NOW)

    assert message.subject == f"Systems Seminar, Tue 8 Dec, 12:00: {INFERENCE}"
    assert message.text == INFERENCE_TEXT


def test_talk_announcement_html_has_the_same_facts(series):
    Talk.objects.filter(title=INFERENCE).update(
        online_url="https://meet.example.org/inference",
        online_link_visibility=OnlineLinkVisibility.PUBLIC,
    )

    html = talk_announcement(inference_talk(), NOW).html

    assert html.startswith(
        f'<article>\n  <h2><a href="{SITE}/talks/{INFERENCE_SLUG}/">'
        "Inference and AI Infrastructure (Special Event for #BosTechWeek)</a></h2>"
    )
    assert "<dd>Venkat Pullela (Keysight), Tushar Krishna (Georgia Tech)</dd>" in html
    assert "<dd>Tue 8 Dec 2026, 12:00–13:00 EST</dd>" in html
    assert "<dd>Seminar Room G115</dd>" in html
    assert (
        '<dd><a href="https://meet.example.org/inference">https://meet.example.org/inference</a>'
        in html
    )
    assert f"<p>{INFERENCE_ABSTRACT}</p>" in html
    assert f'<a href="{SITE}/talks/{INFERENCE_SLUG}/calendar.ics">' in html


def test_talk_announcement_leaves_out_an_online_link_that_is_not_public(series):
    # Shown only from shortly before the start: days ahead, the announcement leaves it out.
    Talk.objects.filter(title=INFERENCE).update(
        online_url="https://meet.example.org/inference",
        online_link_visibility=OnlineLinkVisibility.BEFORE_START,
    )

    message = talk_announcement(inference_talk(), NOW)

    assert message.text == INFERENCE_TEXT.replace(
        "Online: https://meet.example.org/inference\n", ""
    )
    assert "meet.example.org" not in message.html


def test_talk_announcement_names_the_affiliation_the_speaker_had_then(series):
    speaker = Speaker.objects.get(name="Venkat Pullela")
    speaker.affiliation = Affiliation.objects.create(name="Somewhere New")
    speaker.save()

    text = talk_announcement(inference_talk(), NOW).text

    assert "Speakers: Venkat Pullela (Keysight), Tushar Krishna (Georgia Tech)\n" in text


def test_talk_announcement_escapes_the_title_in_html(series):
    talk = TalkFactory(title="<b>Bold</b> & co", series=series, abstract="<script>x</script>*Hi*")

    html = talk_announcement(Talk.objects.with_speakers().get(pk=talk.pk), NOW).html

    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; co" in html
    assert "<script>" not in html
    assert "<p><em>Hi</em></p>" in html


@pytest.mark.parametrize(
    ("moment", "monday"),
    [
        # Saturday 5 December, 08:59 and 09:00 in New York (EST, UTC-5).
        (datetime.datetime(2026, 12, 5, 13, 59, tzinfo=datetime.UTC), datetime.date(2026, 11, 30)),
        (datetime.datetime(2026, 12, 5, 14, 0, tzinfo=datetime.UTC), datetime.date(2026, 12, 7)),
        # Monday 7 December, and the Friday after: still that week until Saturday 09:00.
        (datetime.datetime(2026, 12, 7, 5, 0, tzinfo=datetime.UTC), datetime.date(2026, 12, 7)),
        (datetime.datetime(2026, 12, 11, 23, 0, tzinfo=datetime.UTC), datetime.date(2026, 12, 7)),
    ],
)
def test_coming_week_starts_at_the_series_announcement_time(series, moment, monday):
    assert coming_week(series, moment) == monday


def test_coming_week_follows_the_series_timezone(series):
    series.timezone = "Asia/Tokyo"  # UTC+9: Saturday 09:00 there is Saturday 00:00 UTC
    moment = datetime.datetime(2026, 12, 5, 0, 0, tzinfo=datetime.UTC)

    assert coming_week(series, moment) == datetime.date(2026, 12, 7)
    assert coming_week(series, moment - datetime.timedelta(seconds=1)) == datetime.date(
        2026, 11, 30
    )


def week_text(cancelled_title: str = "Cancelled: Called off") -> str:
    return f"""\
Systems Seminar: talks in the week of Mon 7 Dec 2026

{INFERENCE}

Speakers: Venkat Pullela (Keysight), Tushar Krishna (Georgia Tech)
When: Tue 8 Dec 2026, 12:00–13:00 EST
Where: Seminar Room G115

{INFERENCE_ABSTRACT}

Talk page: {SITE}/talks/{INFERENCE_SLUG}/
Add to your calendar: {SITE}/talks/{INFERENCE_SLUG}/calendar.ics

----------------------------------------

{cancelled_title}

When: Thu 10 Dec 2026, 15:00–16:00 EST
Where: Room 2

Talk page: {SITE}/talks/called-off/
Add to your calendar: {SITE}/talks/called-off/calendar.ics

All talks of the series: {SITE}/series/systems-seminar/
Subscribe to its calendar: {SITE}/series/systems-seminar/calendar.ics
"""


def test_week_announcement_lists_the_public_talks_of_the_week(week_of_7_december):
    monday = datetime.date(2026, 12, 7)
    talks = list(week_talks(week_of_7_december, monday))

    message = week_announcement(week_of_7_december, monday, talks, SATURDAY)

    assert message.subject == "Systems Seminar: talks in the week of Mon 7 Dec 2026"
    assert message.text == week_text()
    assert "Secret draft" not in message.html


def test_announcement_txt_serves_the_coming_week(client, week_of_7_december):
    with time_machine.travel(SATURDAY, tick=False):
        response = client.get("/series/systems-seminar/announcement.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == week_text()


def test_announcement_txt_says_so_when_the_week_is_empty(client, series):
    with time_machine.travel(datetime.datetime(2027, 3, 1, 15, 0, tzinfo=datetime.UTC)):
        body = client.get("/series/systems-seminar/announcement.txt").content.decode()

    assert body == (
        "Systems Seminar: talks in the week of Mon 1 Mar 2027\n\n"
        "No talks are scheduled this week.\n\n"
        f"All talks of the series: {SITE}/series/systems-seminar/\n"
        f"Subscribe to its calendar: {SITE}/series/systems-seminar/calendar.ics\n"
    )


def test_announcement_txt_of_a_series_without_public_talks_is_404(client, series):
    Series.objects.create(name="Quiet series")

    assert client.get("/series/quiet-series/announcement.txt").status_code == 404
    assert client.get("/series/no-such-series/announcement.txt").status_code == 404


# Sending


@pytest.fixture
def weekly(week_of_7_december):
    week_of_7_december.announcement_kind = Announcement.Kind.WEEK
    week_of_7_december.save()
    return week_of_7_december


def test_send_announcements_requires_due(series):
    with pytest.raises(CommandError, match="--due"):
        call_command("send_announcements")


def test_send_announcements_run_twice_sends_once(weekly, mailoutbox):
    with time_machine.travel(SATURDAY, tick=False):
        call_command("send_announcements", "--due")
        call_command("send_announcements", "--due")
        drain_mail_queue()

    assert [(email.subject, email.to) for email in mailoutbox] == [
        ("Systems Seminar: talks in the week of Mon 7 Dec 2026", ["systems-list@example.org"])
    ]
    email = mailoutbox[0]
    assert email.body == week_text()
    assert email.from_email == settings.DEFAULT_FROM_EMAIL
    [(html, mimetype)] = email.alternatives
    assert mimetype == "text/html"
    assert html.startswith("<!DOCTYPE html>")
    assert "<h1>Systems Seminar: talks in the week of Mon 7 Dec 2026</h1>" in html
    record = Announcement.objects.get()
    assert (record.kind, record.week_start, record.status, record.sent_at, record.attempts) == (
        Announcement.Kind.WEEK,
        datetime.date(2026, 12, 7),
        Announcement.Status.SENT,
        SATURDAY,
        1,
    )


def test_send_announcements_sends_a_week_only_from_its_time(weekly, mailoutbox):
    with time_machine.travel(SATURDAY - datetime.timedelta(hours=2), tick=False):
        call_command("send_announcements", "--due")
        drain_mail_queue()

    # Saturday 08:00: the coming week is still the one of Monday 30 November.
    assert [email.subject for email in mailoutbox] == [
        "Systems Seminar: talks in the week of Mon 30 Nov 2026"
    ]


def test_send_announcements_of_each_talk_sends_each_once_in_its_window(series, mailoutbox):
    series.announcement_kind = Announcement.Kind.TALK
    series.save()
    TalkFactory(
        title="Wednesday extra",
        series=series,
        start=datetime.datetime(2026, 12, 9, 17, 0, tzinfo=datetime.UTC),
        status=Talk.Status.DRAFT,
    )

    with time_machine.travel(datetime.datetime(2026, 12, 6, 14, 0, tzinfo=datetime.UTC)):
        call_command("send_announcements", "--due")  # Sunday 09:00: only Tuesday's is due
        call_command("send_announcements", "--due")
        drain_mail_queue()
    Talk.objects.filter(title="Wednesday extra").update(status=Talk.Status.PUBLISHED)
    with time_machine.travel(datetime.datetime(2026, 12, 7, 14, 0, tzinfo=datetime.UTC)):
        call_command("send_announcements", "--due")  # Monday 09:00: Wednesday's is due
        drain_mail_queue()

    assert [email.subject for email in mailoutbox] == [
        f"Systems Seminar, Tue 8 Dec, 12:00: {INFERENCE}",
        "Systems Seminar, Wed 9 Dec, 12:00: Wednesday extra",
    ]
    assert mailoutbox[0].body == INFERENCE_TEXT.replace(
        "Online: https://meet.example.org/inference\n", ""
    )


def test_send_announcements_skips_a_talk_that_has_started(series, mailoutbox):
    series.announcement_kind = Announcement.Kind.TALK
    series.save()

    started = datetime.datetime(2026, 12, 8, 17, 30, tzinfo=datetime.UTC)

    assert due_announcements(started) == []


class FailingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("mail server down")


def test_send_announcements_retries_a_failed_send_on_the_next_run(
    weekly, settings, mailoutbox, capsys
):
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    with time_machine.travel(SATURDAY, tick=False):
        call_command("send_announcements", "--due")
        drain_mail_queue()
    failed = Announcement.objects.get()
    assert (failed.status, failed.error, failed.sent_at) == (
        Announcement.Status.FAILED,
        "ConnectionRefusedError: mail server down",
        None,
    )

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    later = SATURDAY + datetime.timedelta(minutes=5)
    capsys.readouterr()
    with time_machine.travel(later, tick=False):
        call_command("send_announcements", "--due")
        call_command("send_announcements", "--due")
        drain_mail_queue()

    assert capsys.readouterr().out.splitlines() == [
        "Queued: Systems Seminar: the week of Mon 7 Dec 2026 → systems-list@example.org "
        "(attempt 2: the last one failed)",
        "No announcements are due.",
    ]
    assert [email.subject for email in mailoutbox] == [
        "Systems Seminar: talks in the week of Mon 7 Dec 2026"
    ]
    sent = Announcement.objects.get()
    assert (sent.pk, sent.status, sent.error, sent.attempts, sent.sent_at) == (
        failed.pk,
        Announcement.Status.SENT,
        "",
        2,
        later,
    )


def test_send_announcements_reports_a_claim_left_by_a_stopped_run(weekly, mailoutbox, capsys):
    Announcement.objects.create(
        series=weekly,
        kind=Announcement.Kind.WEEK,
        week_start=datetime.date(2026, 12, 7),
        recipient=weekly.announcement_email,
        claimed_at=SATURDAY,
    )

    with time_machine.travel(SATURDAY + datetime.timedelta(hours=2), tick=False):
        call_command("send_announcements", "--due")

    assert mailoutbox == []
    assert "Stuck since 2026-12-05 15:00 UTC: Systems Seminar: the week of Mon 7 Dec 2026" in (
        capsys.readouterr().err
    )


def test_send_announcements_ignores_series_without_a_list_address(weekly, mailoutbox):
    weekly.announcement_email = ""
    weekly.save()

    with time_machine.travel(SATURDAY, tick=False):
        call_command("send_announcements", "--due")

    assert (mailoutbox, Announcement.objects.count()) == ([], 0)


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="needs concurrent connections: SQLite serialises writers and the test database "
    "is in memory; CI runs it in its PostgreSQL pass",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_send_announcements_overlapping_runs_on_postgresql_send_once(
    demo_data, monkeypatch, mailoutbox
):
    with time_machine.travel(NOW, tick=False):
        load_demo(demo_data)
    Series.objects.update(
        announcement_email="systems-list@example.org",
        announcement_kind=Announcement.Kind.WEEK,
        announce_days_before=2,
    )
    # Both runs have found the announcement due and reach the claim together.
    barrier = threading.Barrier(2)
    claim = announcing.claim_announcement

    def claim_together(target, now):
        barrier.wait(timeout=10)
        return claim(target, now)

    monkeypatch.setattr(announcing, "claim_announcement", claim_together)
    sent, errors = [], []

    def run():
        try:
            sent.append(len(queue_due_announcements()))
        except Exception as error:  # pragma: no cover (reported by the assert below)
            errors.append(error)
        finally:
            connections.close_all()

    with time_machine.travel(SATURDAY, tick=False):
        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        drain_mail_queue()

    assert errors == []
    assert sorted(sent) == [0, 1]
    assert [email.subject for email in mailoutbox] == [
        "Systems Seminar: talks in the week of Mon 7 Dec 2026"
    ]
    assert list(Announcement.objects.values_list("status", "attempts")) == [
        (Announcement.Status.SENT, 1)
    ]


# Admin pages


def test_admin_talk_announcement_page_shows_text_and_html_to_copy(staff_client, series):
    talk = inference_talk()

    response = staff_client.get(f"/admin/seminars/talk/{talk.pk}/announcement/")

    assert response.status_code == 200
    message = response.context["message"]
    assert message.text == INFERENCE_TEXT.replace(
        "Online: https://meet.example.org/inference\n", ""
    )
    body = response.content.decode()
    assert '<textarea id="announcement-text"' in body
    assert "Send to systems-list@example.org" in body
    assert response.context["refusal"] == ""


def test_admin_talk_announcement_of_a_draft_cannot_be_sent(staff_client, series):
    talk = TalkFactory(series=series, status=Talk.Status.DRAFT)
    url = f"/admin/seminars/talk/{talk.pk}/announcement/"

    response = staff_client.get(url)
    staff_client.post(url)

    assert response.context["refusal"] == (
        "Only published talks are announced: publish the talk first."
    )
    assert (mail.outbox, Announcement.objects.count()) == ([], 0)


def test_admin_sends_a_talk_announcement_once(staff_client, series, mailoutbox):
    talk = inference_talk()
    url = f"/admin/seminars/talk/{talk.pk}/announcement/"

    with time_machine.travel(NOW, tick=False):
        first = staff_client.post(url)
        assert mailoutbox == []  # the click queues; the worker sends
        drain_mail_queue()
        second = staff_client.post(url, follow=True)

    assert first.status_code == 302
    assert [email.subject for email in mailoutbox] == [
        f"Systems Seminar, Tue 8 Dec, 12:00: {INFERENCE}"
    ]
    assert [str(message) for message in second.context["messages"]] == [
        "Queued the announcement to systems-list@example.org: the mail worker sends it "
        "shortly (its record under Announcements says when).",
        "It was sent to systems-list@example.org on 2026-12-02 at 10:00 EST.",
    ]
    assert Announcement.objects.get().talk == talk


def test_admin_series_week_announcement_page_renders_and_sends(
    staff_client, week_of_7_december, mailoutbox
):
    series = week_of_7_december
    url = f"/admin/seminars/series/{series.pk}/announcement/"

    with time_machine.travel(SATURDAY, tick=False):
        response = staff_client.get(url)
        other_week = staff_client.get(url, {"week": "2026-12-16"})
        junk_week = staff_client.get(url, {"week": "junk"})
        staff_client.post(f"{url}?week=2026-12-07")
        drain_mail_queue()

    assert response.status_code == 200
    assert response.context["message"].text == week_text()
    assert (response.context["previous_week"], response.context["next_week"]) == (
        "2026-11-30",
        "2026-12-14",
    )
    assert other_week.context["title"] == "Announcement of the week of Mon 14 Dec 2026"
    assert junk_week.context["title"] == "Announcement of the week of Mon 7 Dec 2026"
    assert [email.body for email in mailoutbox] == [week_text()]


def test_admin_announcement_pages_need_staff(client, series):
    talk = inference_talk()
    get_user_model().objects.create(username="visitor")

    response = client.get(f"/admin/seminars/talk/{talk.pk}/announcement/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_target_strings_name_the_talk_or_the_week(series):
    talk = inference_talk()

    assert str(Target.of_talk(talk)) == f"“{INFERENCE}” (Systems Seminar)"
    assert str(Target.of_week(series, datetime.date(2026, 12, 7))) == (
        "Systems Seminar, the week of 2026-12-07"
    )
