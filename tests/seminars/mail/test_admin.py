"""The admin of the email audience: addresses for superusers only, counts for organisers,
the outgoing queue with its retry action."""

import datetime

import pytest

from seminars.mail.models import Delivery, Subscriber
from tests.factories import SeriesFactory, SubscriberFactory, TalkFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def audience(series_a):
    series_b = SeriesFactory(name="Series B")
    for n, frequency in enumerate(["talk", "talk", "week"]):
        SubscriberFactory(email=f"a{n}@example.org", everything=False, frequency=frequency)
        Subscriber.objects.get(email=f"a{n}@example.org").series.add(series_a)
    SubscriberFactory(email="b@example.org", everything=False).series.add(series_b)
    SubscriberFactory(email="pending@example.org", everything=False, confirmed_at=None)
    Subscriber.objects.get(email="pending@example.org").series.add(series_a)
    SubscriberFactory(email="all@example.org")
    return series_b


def test_subscribers_admin_is_for_superusers_only(organiser_client, staff_client, audience):
    assert organiser_client.get("/admin/seminars/subscriber/").status_code == 403
    page = staff_client.get("/admin/seminars/subscriber/")
    assert page.status_code == 200
    assert "a0@example.org" in page.content.decode()


def test_organisers_see_counts_of_their_series_without_addresses(organiser_client, audience):
    page = organiser_client.get("/admin/seminars/seriesaudience/")
    html = page.content.decode()
    assert page.status_code == 200
    assert page.context["cl"].result_count == 1
    [row] = page.context["cl"].result_list
    assert (row.name, row.each_talk, row.weekly) == ("Series A", 2, 1)
    assert "Besides these, 1 confirmed subscriber(s) follow every talk." in html
    assert "@example.org" not in html


def test_outgoing_queue_shows_failures_and_retries_them(organiser_client, series_a, audience, now):
    talk_a = TalkFactory(series=series_a, title="Talk A")
    talk_b = TalkFactory(series=audience, title="Talk B")
    subscriber = Subscriber.objects.get(email="a0@example.org")
    failed = Delivery.objects.create(
        subscriber=subscriber,
        kind=Delivery.Kind.TALK,
        key=f"talk:{talk_a.pk}",
        talk=talk_a,
        status=Delivery.Status.FAILED,
        attempts=5,
        not_before=now - datetime.timedelta(hours=3),
        error="SMTPDataError: (451, b'Try again later')",
    )
    Delivery.objects.create(
        subscriber=subscriber,
        kind=Delivery.Kind.TALK,
        key=f"talk:{talk_b.pk}",
        talk=talk_b,
        status=Delivery.Status.FAILED,
        not_before=now,
    )
    page = organiser_client.get("/admin/seminars/delivery/?status=failed")
    html = page.content.decode()
    assert [str(row.talk) for row in page.context["cl"].result_list] == ["Talk A"]
    assert "SMTPDataError: (451, b&#x27;Try again later&#x27;)" in html
    assert "a0@example.org" not in html

    response = organiser_client.post(
        "/admin/seminars/delivery/",
        {"action": "retry", "_selected_action": [failed.pk]},
        follow=True,
    )
    failed.refresh_from_db()
    assert response.status_code == 200
    assert (failed.status, failed.attempts, failed.not_before) == (
        Delivery.Status.QUEUED,
        0,
        now,
    )
    assert "1 failed message(s) queued again" in response.content.decode()
