"""Organiser tools: term planner, agenda, clashes, reschedule, online-link privacy."""

import datetime
import json
import re

import icalendar
import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse

from seminars.models import OnlineLinkVisibility, Talk
from seminars.organisers.planning import create_placeholders, plan_term
from tests.factories import SeriesFactory, SpeakerFactory, TalkFactory, VenueFactory, organiser_of

pytestmark = pytest.mark.django_db

NOON = datetime.time(12, 0)
TUESDAY = 1


def utc(*args):
    return datetime.datetime(*args, tzinfo=datetime.UTC)


# Planner


def test_plan_keeps_noon_local_across_the_daylight_saving_change():
    series = SeriesFactory(name="Systems Seminar")
    slots = plan_term(
        series, datetime.date(2026, 10, 20), datetime.date(2026, 11, 10), TUESDAY, NOON
    )
    assert [slot.start.astimezone(datetime.UTC) for slot in slots] == [
        utc(2026, 10, 20, 16, 0),  # EDT
        utc(2026, 10, 27, 16, 0),
        utc(2026, 11, 3, 17, 0),  # EST, after 1 November
        utc(2026, 11, 10, 17, 0),
    ]
    assert {slot.start.astimezone(series.zoneinfo).time() for slot in slots} == {NOON}


def test_plan_skips_holidays_and_follows_every_n_weeks():
    series = SeriesFactory(name="Systems Seminar")
    slots = plan_term(
        series,
        datetime.date(2027, 1, 1),
        datetime.date(2027, 3, 1),
        TUESDAY,
        NOON,
        every_weeks=2,
        skip_dates={datetime.date(2027, 1, 19)},
    )
    assert [slot.start.date().isoformat() for slot in slots] == [
        "2027-01-05",
        "2027-02-02",
        "2027-02-16",
    ]


def test_plan_twice_creates_nothing_new_and_keeps_existing_talks():
    series = SeriesFactory(name="Systems Seminar", default_location="Room G115")
    existing = TalkFactory(series=series, title="Firefly", start=utc(2027, 1, 12, 17, 0))
    args = (series, datetime.date(2027, 1, 1), datetime.date(2027, 1, 31), TUESDAY, NOON)
    created = create_placeholders(series, plan_term(*args))
    assert [talk.local_start.date().isoformat() for talk in created] == [
        "2027-01-05",
        "2027-01-19",
        "2027-01-26",
    ]
    assert {(t.title, t.status, t.is_placeholder, t.location) for t in created} == {
        ("Speaker to be announced", Talk.Status.DRAFT, True, "Room G115")
    }
    second = plan_term(*args)
    assert [slot.taken_by for slot in second] == [created[0], existing, created[1], created[2]]
    assert create_placeholders(series, second) == []
    assert series.talks.count() == 4


def test_plan_term_command_previews_then_creates(capsys):
    SeriesFactory(name="Systems Seminar")
    arguments = [
        "plan_term", "systems-seminar", "--from", "2027-01-01", "--to", "2027-01-20",
        "--weekday", "Tuesday", "--skip", "2027-01-12",
    ]  # fmt: skip
    call_command(*arguments, "--dry-run")
    assert capsys.readouterr().out.splitlines() == [
        "Tue 5 Jan 2027, 12:00 EST  new",
        "Tue 19 Jan 2027, 12:00 EST  new",
        "2 placeholder(s) would be created.",
    ]
    assert not Talk.objects.exists()
    call_command(*arguments)
    assert Talk.objects.filter(is_placeholder=True).count() == 2


def test_plan_term_command_names_a_time_that_daylight_saving_skips():
    SeriesFactory(name="Systems Seminar")

    with pytest.raises(CommandError, match="2027") as refused:
        call_command(
            *("plan_term", "systems-seminar", "--from", "2027-03-14", "--to", "2027-03-14"),
            *("--weekday", "Sunday", "--time", "02:30"),
        )

    assert str(refused.value) == SKIPPED_HOUR
    assert not Talk.objects.exists()


def test_admin_planner_previews_and_creates(staff_client):
    series = SeriesFactory(name="Systems Seminar")
    url = reverse("admin:seminars_series_plan", args=[series.pk])
    assert staff_client.get(url).status_code == 200
    data = {
        "first_day": "2027-01-01",
        "last_day": "2027-01-31",
        "weekday": "1",
        "start_time": "12:00",
        "every_weeks": "1",
        "skip_dates": "2027-01-19",
    }
    preview = staff_client.post(url, {**data, "preview": "1"})
    assert [slot.start.date().isoformat() for slot in preview.context["slots"]] == [
        "2027-01-05",
        "2027-01-12",
        "2027-01-26",
    ]
    assert 'value="Create 3 placeholders"' in preview.content.decode()
    assert not Talk.objects.exists()
    created = staff_client.post(url, {**data, "create": "1"})
    assert created["Location"] == reverse("admin:seminars_series_agenda", args=[series.pk])
    assert Talk.objects.filter(series=series, is_placeholder=True).count() == 3


def test_admin_planner_rejects_a_bad_holiday_and_reversed_dates(staff_client):
    series = SeriesFactory(name="Systems Seminar")
    url = reverse("admin:seminars_series_plan", args=[series.pk])
    response = staff_client.post(
        url,
        {
            "first_day": "2027-02-01",
            "last_day": "2027-01-01",
            "weekday": "1",
            "start_time": "12:00",
            "every_weeks": "1",
            "skip_dates": "next tuesday",
            "preview": "1",
        },
    )
    assert response.context["form"].errors == {
        "skip_dates": ["“next” is not a date like 2027-01-19."],
        "last_day": ["The last day must not be before the first day."],
    }


SKIPPED_HOUR = (
    "2027-03-14 02:30:00 couldn’t be interpreted in time zone America/New_York; it may be "
    "ambiguous or it may not exist."
)


@pytest.mark.parametrize("button", ["preview", "create"])
def test_admin_planner_refuses_a_time_that_daylight_saving_skips(staff_client, button):
    series = SeriesFactory(name="Systems Seminar")
    url = reverse("admin:seminars_series_plan", args=[series.pk])
    data = {
        "first_day": "2027-03-07",
        "last_day": "2027-03-21",
        "weekday": "6",
        "start_time": "02:30",
        "every_weeks": "1",
        button: "1",
    }

    response = staff_client.post(url, data)

    assert response.status_code == 200
    assert response.context["form"].errors == {"start_time": [SKIPPED_HOUR]}
    assert not Talk.objects.exists()


def test_plan_keeps_the_length_of_a_slot_that_ends_after_the_clocks_go_forward():
    series = SeriesFactory(name="Systems Seminar")
    [slot] = plan_term(
        series, datetime.date(2027, 3, 14), datetime.date(2027, 3, 14), 6, datetime.time(1, 30)
    )
    assert (slot.start.isoformat(), slot.end.isoformat()) == (
        "2027-03-14T01:30:00-05:00",
        "2027-03-14T03:30:00-04:00",
    )


# Agenda and clashes


def test_agenda_shows_weeks_talks_and_clashes(staff_client, now):
    series = SeriesFactory(name="Systems Seminar")
    other_series = SeriesFactory(name="Theory Lunch")
    mine = TalkFactory(
        series=series, title="Firefly", location="Room 101", start=utc(2026, 12, 8, 17)
    )
    TalkFactory(
        series=other_series, title="Lambda", location=" room 101 ", start=utc(2026, 12, 8, 17, 30)
    )
    TalkFactory(
        series=series,
        title="Open slot",
        is_placeholder=True,
        status=Talk.Status.DRAFT,
        start=utc(2026, 12, 15, 17),
    )
    response = staff_client.get(
        reverse("admin:seminars_series_agenda", args=[series.pk]),
        {"first_day": "2026-12-07", "weeks": "3"},
    )
    rows = response.context["rows"]
    assert [row["monday"].isoformat() for row in rows] == ["2026-12-07", "2026-12-14", "2026-12-21"]
    shown = [
        [(talk.title, [other.title for other, _ in clashes]) for talk, clashes, _ in row["talks"]]
        for row in rows
    ]
    assert shown == [
        [("Firefly", ["Lambda"])],
        [("Open slot", [])],
        [],
    ]
    content = response.content.decode()
    assert "Clash: same room as" in content
    assert "[open slot, draft]" in content
    assert '<th scope="row">Mon 7 Dec 2026</th>' in content
    assert mine.pk


@pytest.mark.parametrize("junk", [{"first_day": "yesterday"}, {"weeks": "-3"}, {"weeks": "abc"}])
def test_agenda_with_junk_parameters_shows_the_default_weeks(staff_client, junk):
    series = SeriesFactory(name="Systems Seminar")
    response = staff_client.get(reverse("admin:seminars_series_agenda", args=[series.pk]), junk)
    assert (response.status_code, len(response.context["rows"])) == (200, 16)


def test_clash_rules():
    talk = TalkFactory(title="Firefly", location="Room 101", start=utc(2026, 12, 8, 17))
    TalkFactory(title="Overlap", location="ROOM 101 ", start=utc(2026, 12, 8, 17, 59))
    TalkFactory(title="Back to back", location="Room 101", start=utc(2026, 12, 8, 18))
    TalkFactory(title="Other room", location="Room 102", start=utc(2026, 12, 8, 17))
    TalkFactory(
        title="Cancelled",
        location="Room 101",
        start=utc(2026, 12, 8, 17),
        status=Talk.Status.CANCELLED,
    )
    TalkFactory(
        title="Placeholder", location="Room 101", start=utc(2026, 12, 8, 17), is_placeholder=True
    )
    assert [other.title for other in Talk.objects.clashing_with(talk)] == ["Overlap"]
    nowhere = TalkFactory(title="Nowhere", start=utc(2026, 12, 8, 17))
    Talk.objects.filter(pk=nowhere.pk).update(location="")
    nowhere.refresh_from_db()
    assert list(Talk.objects.clashing_with(nowhere)) == []


def test_admin_warns_about_a_clash_but_saves(staff_client):
    TalkFactory(title="Firefly", location="Room 101", start=utc(2026, 12, 8, 17))
    series = SeriesFactory()
    data = {
        "title": "Lambda", "slug": "", "series": series.pk, "status": "published",
        "start_0": "2026-12-08", "start_1": "12:30", "end_0": "", "end_1": "",
        "location": "room 101", "online_url": "", "online_link_visibility": "before_start",
        "abstract": "", "host": "",
        "talk_speakers-TOTAL_FORMS": "0", "talk_speakers-INITIAL_FORMS": "0",
        "materials-TOTAL_FORMS": "0", "materials-INITIAL_FORMS": "0", "audience": "open",
    }  # fmt: skip
    response = staff_client.post(reverse("admin:seminars_talk_add"), data, follow=True)
    warnings = [str(m) for m in response.context["messages"] if m.level_tag == "warning"]
    assert len(warnings) == 1
    assert warnings[0].startswith(
        "“Lambda” overlaps “Firefly” (Tue 8 Dec 2026, 12:00 EST) in Room 101."
    )
    assert Talk.objects.filter(title="Lambda").exists()

    data.update(title="Quiet", start_1="15:00")
    response = staff_client.post(reverse("admin:seminars_talk_add"), data, follow=True)
    assert [m for m in response.context["messages"] if m.level_tag == "warning"] == []


# Reschedule


def json_ld(client, talk):
    content = client.get(talk.get_absolute_url()).content.decode()
    return json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', content, re.S).group(1)
    )


def test_moving_a_published_talk_says_rescheduled_until_it_ends(client, now):
    talk = TalkFactory(title="Firefly", start=utc(2026, 12, 8, 17))
    uid = talk.uid
    talk.start, talk.end = utc(2026, 12, 10, 17), utc(2026, 12, 10, 18)
    talk.save()
    talk.refresh_from_db()
    assert (talk.uid, talk.sequence, talk.previous_start) == (uid, 1, utc(2026, 12, 8, 17))
    content = client.get(talk.get_absolute_url()).content.decode()
    assert "Rescheduled from Tue 8 Dec 2026, 12:00 EST." in content
    event = json_ld(client, talk)
    assert event["eventStatus"] == "https://schema.org/EventRescheduled"
    assert event["previousStartDate"] == "2026-12-08T12:00:00-05:00"
    with time_machine.travel(utc(2026, 12, 10, 18, 1), tick=False):
        assert "Rescheduled from" not in client.get(talk.get_absolute_url()).content.decode()
        assert json_ld(client, talk)["eventStatus"] == "https://schema.org/EventScheduled"


def test_moving_a_draft_is_not_a_reschedule():
    talk = TalkFactory(status=Talk.Status.DRAFT, start=utc(2026, 12, 8, 17))
    talk.start, talk.end = utc(2026, 12, 9, 17), utc(2026, 12, 9, 18)
    talk.save()
    talk.refresh_from_db()
    assert talk.previous_start is None


# Online link privacy


@pytest.mark.parametrize(
    ("visibility", "moment", "shown"),
    [
        (OnlineLinkVisibility.PUBLIC, utc(2026, 12, 1), True),
        (OnlineLinkVisibility.BEFORE_START, utc(2026, 12, 8, 16, 44), False),
        (OnlineLinkVisibility.BEFORE_START, utc(2026, 12, 8, 16, 45), True),
        (OnlineLinkVisibility.STAFF, utc(2026, 12, 8, 17, 30), False),
    ],
)
def test_online_link_is_shown_only_when_public(client, visibility, moment, shown):
    talk = TalkFactory(
        start=utc(2026, 12, 8, 17),
        online_url="https://meet.example.org/firefly",
        online_link_visibility=visibility,
    )
    with time_machine.travel(moment, tick=False):
        content = client.get(talk.get_absolute_url()).content.decode()
        feed = client.get(f"/talks/{talk.slug}/calendar.ics").content.decode()
        ld = json_ld(client, talk)
    assert ("https://meet.example.org/firefly" in content) is shown
    assert ("meet.example.org/firefly" in feed.replace("\r\n ", "")) is shown
    assert ("VirtualLocation" in json.dumps(ld)) is shown
    if visibility == OnlineLinkVisibility.BEFORE_START and not shown:
        assert "The link to join online appears here 15 minutes before the start." in content


# Placeholders in public


def test_published_placeholder_is_listed_as_to_be_announced_and_tentative(client, now):
    placeholder = TalkFactory(
        title="Speaker to be announced", is_placeholder=True, start=utc(2026, 12, 15, 17)
    )
    home = client.get("/").content.decode()
    assert (
        '<strong class="status-badge status-badge--tentative">Speaker to be announced</strong>'
        in home
    )
    page = client.get(placeholder.get_absolute_url()).content.decode()
    assert "To be announced. Subscribe to the calendar to hear when it is." in page
    calendar = icalendar.Calendar.from_ical(client.get("/calendar.ics").content)
    (event,) = calendar.walk("VEVENT")
    assert (str(event["STATUS"]), str(event["SUMMARY"])) == ("TENTATIVE", "Speaker to be announced")


def test_filling_a_placeholder_confirms_it(client, now):
    slot = TalkFactory(
        title="Speaker to be announced", is_placeholder=True, start=utc(2026, 12, 15, 17)
    )
    slot.title, slot.is_placeholder = "Firefly", False
    slot.save()
    slot.talk_speakers.create(speaker=SpeakerFactory(name="Yuliang Li"))
    calendar = icalendar.Calendar.from_ical(client.get("/calendar.ics").content)
    (event,) = calendar.walk("VEVENT")
    assert (str(event["STATUS"]), str(event["SUMMARY"]), event["SEQUENCE"]) == (
        "CONFIRMED",
        "Firefly",
        1,
    )


def test_organiser_plans_and_reviews_only_their_own_series(client):
    mine = SeriesFactory(name="Systems Seminar")
    organiser = organiser_of(mine, "ana")
    theirs = SeriesFactory(name="Theory Lunch")
    client.force_login(organiser)
    for view in ("plan", "agenda"):
        assert (
            client.get(reverse(f"admin:seminars_series_{view}", args=[mine.pk])).status_code == 200
        )
        assert (
            client.get(reverse(f"admin:seminars_series_{view}", args=[theirs.pk])).status_code
            == 404
        )


def test_feed_cache_and_etag_follow_the_moment_an_online_link_appears(client, now):
    TalkFactory(start=utc(2026, 12, 8, 17), online_url="https://meet.example.org/firefly")
    before = client.get("/calendar.ics")
    assert b"meet.example.org" not in before.content
    assert client.get("/calendar.ics", HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 304
    with time_machine.travel(utc(2026, 12, 8, 16, 45), tick=False):
        after = client.get("/calendar.ics", HTTP_IF_NONE_MATCH=before["ETag"])
        assert after.status_code == 200
        assert b"meet.example.org/firefly" in after.content.replace(b"\r\n ", b"")


def test_feed_last_modified_moves_when_an_online_link_appears(client, now):
    TalkFactory(start=utc(2026, 12, 8, 17), online_url="https://meet.example.org/firefly")
    before = client.get("/calendar.ics")
    with time_machine.travel(utc(2026, 12, 8, 16, 50), tick=False):
        after = client.get("/calendar.ics", HTTP_IF_MODIFIED_SINCE=before["Last-Modified"])
        assert after.status_code == 200
        assert after["Last-Modified"] == "Tue, 08 Dec 2026 16:45:00 GMT"


@pytest.mark.parametrize("day", ["9999-12-30", "0001-01-01", "1899-12-31"])
def test_agenda_and_planner_refuse_far_off_dates_without_a_server_error(staff_client, day):
    series = SeriesFactory(name="Systems Seminar")
    agenda = staff_client.get(
        reverse("admin:seminars_series_agenda", args=[series.pk]), {"first_day": day}
    )
    assert (agenda.status_code, len(agenda.context["rows"])) == (200, 16)
    plan = staff_client.post(
        reverse("admin:seminars_series_plan", args=[series.pk]),
        {
            "first_day": day,
            "last_day": day,
            "weekday": "1",
            "start_time": "12:00",
            "every_weeks": "1",
            "preview": "1",
        },
    )
    assert plan.status_code == 200
    assert (
        "Choose a date between 1900-01-01 and 2200-12-31."
        in plan.context["form"].errors["first_day"]
    )
    announcement = staff_client.get(
        reverse("admin:seminars_series_announcement", args=[series.pk]), {"week": day}
    )
    assert announcement.status_code == 200


def test_clash_compares_venue_and_room_detail():
    hall, other_hall = VenueFactory(name="Hall"), VenueFactory(name="Other hall")
    start = utc(2026, 12, 8, 17)
    booked = TalkFactory(title="Booked", venue=hall, location="Room 1", start=start)
    same = TalkFactory(title="Same room", venue=hall, location=" room  1 ", start=start)
    TalkFactory(title="Other room", venue=hall, location="Room 2", start=start)
    TalkFactory(title="Other venue", venue=other_hall, location="Room 1", start=start)
    zoom = VenueFactory(name="Zoom", is_online=True)
    online = TalkFactory(title="Online", venue=zoom, location="", start=start)
    TalkFactory(title="Online too", venue=zoom, location="", start=start)

    assert [talk.title for talk in Talk.objects.clashing_with(booked)] == ["Same room"]
    assert [talk.title for talk in Talk.objects.clashing_with(online)] == []
    assert {
        pk: [talk.title for talk in others] for pk, others in Talk.objects.clash_map().items()
    } == {booked.pk: ["Same room"], same.pk: ["Booked"]}
