import datetime

import pytest

from seminars.models import Audience, Talk
from seminars.services import duplicate_talk
from tests.factories import SeriesFactory, TalkFactory, VenueFactory

pytestmark = pytest.mark.django_db


def test_duplicate_talk_keeps_where_and_who_may_come():
    venue = VenueFactory(name="Gates Hall")
    series = SeriesFactory(default_location="", default_venue=None)
    original = TalkFactory(
        series=series,
        venue=venue,
        location="Room 122",
        audience=Audience.MEMBERS,
        registration_required=True,
        registration_url="https://example.org/register",
        online_url="https://example.org/meet",
        host="Ada",
    )

    copy = duplicate_talk(original)

    assert (
        copy.venue,
        copy.location,
        copy.audience,
        copy.registration_required,
        copy.registration_url,
        copy.online_url,
        copy.host,
        copy.status,
        copy.start - original.start,
    ) == (
        venue,
        "Room 122",
        Audience.MEMBERS,
        True,
        "https://example.org/register",
        "https://example.org/meet",
        "Ada",
        Talk.Status.DRAFT,
        datetime.timedelta(weeks=1),
    )
