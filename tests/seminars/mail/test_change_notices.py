"""Change notices to subscribers told of a talk: once per change, quick edits coalesced,
none after the talk."""

import datetime
import io

import pytest
from django.core.management import call_command

from seminars.mail.models import Delivery
from seminars.models import Talk
from seminars.services import cancel_talk, publish_talk
from tests.factories import SubscriberFactory, VenueFactory
from tests.smtp import drain_mail_queue, text_of

pytestmark = pytest.mark.django_db

MONDAY = datetime.datetime(2026, 12, 7, 15, 0, tzinfo=datetime.UTC)
INFERENCE = "Inference and AI Infrastructure (Special Event for #BosTechWeek)"
MINUTE = datetime.timedelta(minutes=1)


def run_cron_and_worker() -> None:
    call_command("send_announcements", "--due", stdout=io.StringIO())
    drain_mail_queue()


@pytest.fixture
def told(demo, clock, smtp_server):
    """Two subscribers were sent the announcement of the Inference talk on Monday."""
    SubscriberFactory(email="ada@example.org")
    SubscriberFactory(email="grace@example.org")
    clock.move_to(MONDAY)
    run_cron_and_worker()
    assert sorted(message["To"] for message in smtp_server.messages) == [
        "ada@example.org",
        "grace@example.org",
    ]
    smtp_server.messages.clear()
    return Talk.objects.get(title=INFERENCE)


def test_change_notice_move_and_new_room_coalesce_into_one_notice(told, clock, smtp_server):
    talk = told
    clock.move_to(MONDAY + MINUTE)
    talk.start += datetime.timedelta(hours=1)
    talk.end += datetime.timedelta(hours=1)
    talk.save()
    clock.move_to(MONDAY + 3 * MINUTE)
    talk.location = "Room 32-G449"
    talk.save()

    clock.move_to(MONDAY + 5 * MINUTE)
    run_cron_and_worker()
    assert smtp_server.messages == []  # still being edited

    clock.move_to(MONDAY + 14 * MINUTE)
    run_cron_and_worker()
    clock.move_to(MONDAY + 30 * MINUTE)
    run_cron_and_worker()

    assert sorted(message["To"] for message in smtp_server.messages) == [
        "ada@example.org",
        "grace@example.org",
    ]
    notice = smtp_server.messages[0]
    assert notice["Subject"] == f"Moved: Systems Seminar, Tue 8 Dec, 13:00: {INFERENCE}"
    assert text_of(notice).splitlines()[:7] == [
        "This talk has moved: it was on Tue 8 Dec 2026, 12:00–13:00 EST.",
        "",
        INFERENCE,
        "",
        "Speakers: Venkat Pullela (Keysight), Tushar Krishna (Georgia Tech)",
        "When: Tue 8 Dec 2026, 13:00–14:00 EST",
        "Where: Seminar Room G115, Room 32-G449",
    ]
    assert notice["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_change_notice_cancelled_then_back_on_once_each(told, clock, smtp_server):
    talk = told
    clock.move_to(MONDAY + MINUTE)
    cancel_talk(talk)
    clock.move_to(MONDAY + 12 * MINUTE)
    run_cron_and_worker()
    run_cron_and_worker()
    clock.move_to(MONDAY + 20 * MINUTE)
    publish_talk(Talk.objects.get(pk=talk.pk))
    clock.move_to(MONDAY + 31 * MINUTE)
    run_cron_and_worker()
    run_cron_and_worker()

    subjects = [message["Subject"] for message in smtp_server.to("ada@example.org")]
    assert subjects == [
        f"Cancelled: Systems Seminar, Tue 8 Dec, 12:00: {INFERENCE}",
        f"Back on: Systems Seminar, Tue 8 Dec, 12:00: {INFERENCE}",
    ]
    assert text_of(smtp_server.to("ada@example.org")[0]).splitlines()[:3] == [
        "This talk is cancelled (it was on Tue 8 Dec 2026, 12:00–13:00 EST).",
        "",
        f"Cancelled: {INFERENCE}",
    ]
    assert len(smtp_server.messages) == 4


def test_change_notice_moved_and_moved_back_within_minutes_sends_nothing(told, clock, smtp_server):
    talk = told
    clock.move_to(MONDAY + MINUTE)
    talk.location = "Room 32-G449"
    talk.save()
    clock.move_to(MONDAY + 2 * MINUTE)
    talk.location = ""  # the venue's room again
    talk.save()
    clock.move_to(MONDAY + 20 * MINUTE)
    run_cron_and_worker()

    assert smtp_server.messages == []


def test_change_notice_none_after_the_talk_ends(told, clock, smtp_server):
    talk = told
    clock.move_to(talk.end + MINUTE)
    cancel_talk(talk)
    clock.move_to(talk.end + 20 * MINUTE)
    run_cron_and_worker()

    assert smtp_server.messages == []
    assert Delivery.objects.filter(kind=Delivery.Kind.CHANGE).count() == 0


def test_change_notice_queued_before_the_end_is_not_sent_after_it(told, clock, smtp_server):
    talk = told
    clock.move_to(talk.start - 30 * MINUTE)
    cancel_talk(talk)
    clock.move_to(talk.start - 15 * MINUTE)
    call_command("send_announcements", "--due", stdout=io.StringIO())
    clock.move_to(talk.end + MINUTE)  # the worker was down until after the talk
    drain_mail_queue()

    assert smtp_server.messages == []
    assert list(Delivery.objects.filter(kind=Delivery.Kind.CHANGE).values_list("status")) == [
        (Delivery.Status.SKIPPED,),
        (Delivery.Status.SKIPPED,),
    ]


def test_change_notice_new_venue_names_the_old_one(told, clock, smtp_server):
    talk = told
    clock.move_to(MONDAY + MINUTE)
    talk.venue = VenueFactory(name="Stata Center", room="32-G882")
    talk.save()
    clock.move_to(MONDAY + 20 * MINUTE)
    run_cron_and_worker()

    notice = smtp_server.to("ada@example.org")
    assert [message["Subject"] for message in notice] == [
        f"New place: Systems Seminar, Tue 8 Dec, 12:00: {INFERENCE}"
    ]
    lines = text_of(notice[0]).splitlines()
    assert (lines[0], lines[6]) == (
        "This talk takes place in a new place (it was in Seminar Room G115).",
        "Where: Stata Center, 32-G882",
    )


def test_change_notice_none_when_the_venue_is_only_renamed(told, clock, smtp_server):
    venue = told.venue
    clock.move_to(MONDAY + MINUTE)
    venue.name = "Seminar Room G115 (Gates building)"
    venue.save()
    clock.move_to(MONDAY + 20 * MINUTE)
    run_cron_and_worker()

    assert smtp_server.messages == []
