import datetime
import os
import re

import pytest

from seminars.devdata.generate import generate_data
from seminars.models import ContentVersion, Talk, TalkSpeaker
from seminars.services import cancel_talk, duplicate_talk, publish_talk, touch_talk
from seminars.signals import bump_content_version
from tests.clock import NOW
from tests.factories import (
    AffiliationFactory,
    EventTypeFactory,
    NewSeriesFactory,
    SpeakerFactory,
    TalkFactory,
    VenueFactory,
    make_talks,
)
from tests.query_budgets import QUERIES

pytestmark = pytest.mark.django_db

SECOND = datetime.timedelta(seconds=1)


def counter() -> int:
    return ContentVersion.objects.get().counter


def test_content_version_row_comes_with_the_migrations():
    assert list(ContentVersion.objects.values_list("pk", flat=True)) == [1]


def test_content_version_current_reads_the_row_in_one_query(clock, django_assert_num_queries):
    ContentVersion.objects.update(counter=41, changed_at=NOW - SECOND)

    with django_assert_num_queries(QUERIES["content version read"]):
        version = ContentVersion.objects.current()

    assert (version.pk, version.counter, version.changed_at) == (1, 41, NOW - SECOND)


def test_content_version_current_makes_a_missing_row(clock):
    ContentVersion.objects.all().delete()

    version = ContentVersion.objects.current()

    assert (version.pk, version.counter, version.changed_at) == (1, 0, NOW)


def test_content_version_bump_counts_and_moves_changed_at_to_now(clock):
    ContentVersion.objects.update(counter=7, changed_at=NOW - datetime.timedelta(days=3))

    bump_content_version()

    version = ContentVersion.objects.get()
    assert (version.counter, version.changed_at) == (8, NOW)


def test_content_version_bumps_within_one_second_give_distinct_seconds(clock):
    ContentVersion.objects.update(changed_at=NOW - datetime.timedelta(days=1))

    bump_content_version()
    bump_content_version()
    bump_content_version()

    assert ContentVersion.objects.get().changed_at == NOW + 2 * SECOND


def test_content_version_changed_at_never_goes_back_with_the_clock(clock):
    ContentVersion.objects.update(changed_at=NOW - datetime.timedelta(days=1))
    bump_content_version()
    clock.move_to(NOW - datetime.timedelta(hours=2))

    bump_content_version()

    assert ContentVersion.objects.get().changed_at == NOW + SECOND


def test_content_version_bumps_on_a_new_row_when_missing(clock):
    ContentVersion.objects.all().delete()

    bump_content_version()

    assert ContentVersion.objects.get().changed_at == NOW


@pytest.fixture
def talk(clock):
    return TalkFactory(
        speakers=[SpeakerFactory()], event_types=[EventTypeFactory(name="Round table")]
    )


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda talk: talk.save(), id="talk saved"),
        pytest.param(cancel_talk, id="talk cancelled"),
        pytest.param(lambda talk: Talk.objects.get(pk=talk.pk).delete(), id="talk deleted"),
        pytest.param(
            lambda talk: talk.event_types.add(EventTypeFactory(name="Seminar")), id="tag added"
        ),
        pytest.param(lambda talk: talk.event_types.clear(), id="tags cleared"),
        pytest.param(
            lambda talk: talk.event_types.remove(*talk.event_types.all()), id="tag removed"
        ),
        pytest.param(
            lambda talk: TalkSpeaker.objects.create(talk=talk, speaker=SpeakerFactory()),
            id="speaker added",
        ),
        pytest.param(lambda talk: TalkSpeaker.objects.get().delete(), id="speaker removed"),
        pytest.param(lambda talk: talk.speakers.clear(), id="speakers cleared"),
        pytest.param(
            lambda talk: talk.speakers.add(
                SpeakerFactory(), through_defaults={"order": 5, "affiliation": None}
            ),
            id="speaker added through the relation",
        ),
        pytest.param(lambda talk: talk.speakers.get().save(), id="speaker renamed"),
        pytest.param(lambda talk: talk.speakers.get().affiliation.save(), id="affiliation renamed"),
        pytest.param(lambda talk: talk.series.save(), id="series changed"),
        pytest.param(lambda talk: talk.event_types.get().save(), id="event type changed"),
        pytest.param(lambda talk: NewSeriesFactory().delete(), id="series deleted"),
        pytest.param(lambda talk: AffiliationFactory().delete(), id="affiliation deleted"),
        pytest.param(publish_talk, id="talk published"),
        pytest.param(
            lambda talk: Talk.objects.filter(pk=talk.pk).delete(), id="talks bulk deleted"
        ),
        pytest.param(lambda talk: SpeakerFactory().delete(), id="speaker deleted"),
        pytest.param(lambda talk: EventTypeFactory(name="Panel").delete(), id="event type deleted"),
        pytest.param(lambda talk: EventTypeFactory(name="Panel"), id="event type added"),
        pytest.param(lambda talk: touch_talk(talk), id="talk touched"),
        pytest.param(lambda talk: generate_data(2), id="data generated"),
    ],
)
def test_content_version_bumps_on_every_change_the_public_could_see(talk, change):
    before = counter()

    change(talk)

    assert counter() > before


@pytest.fixture
def draft(clock):
    return TalkFactory(
        status=Talk.Status.DRAFT,
        speakers=[SpeakerFactory(name="Draft Speaker")],
        event_types=[EventTypeFactory(name="Draft tag")],
    )


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda talk, draft: draft.save(), id="draft saved"),
        pytest.param(lambda talk, draft: duplicate_talk(talk), id="talk duplicated as a draft"),
        pytest.param(lambda talk, draft: touch_talk(draft), id="draft touched"),
        pytest.param(lambda talk, draft: draft.delete(), id="draft deleted"),
        pytest.param(
            lambda talk, draft: draft.event_types.add(EventTypeFactory(name="Seminar")),
            id="draft tagged",
        ),
        pytest.param(
            lambda talk, draft: talk.event_types.get().talks.add(draft),
            id="draft tagged from the tag",
        ),
        pytest.param(
            lambda talk, draft: TalkSpeaker.objects.create(talk=draft, speaker=SpeakerFactory()),
            id="speaker added to the draft",
        ),
        pytest.param(
            lambda talk, draft: draft.talk_speakers.get().delete(), id="draft's speaker removed"
        ),
        pytest.param(lambda talk, draft: draft.speakers.get().save(), id="draft's speaker renamed"),
        pytest.param(
            lambda talk, draft: draft.speakers.get().affiliation.save(),
            id="draft's speaker's affiliation renamed",
        ),
        pytest.param(lambda talk, draft: SpeakerFactory(), id="new speaker"),
    ],
)
def test_content_version_stays_on_changes_only_drafts_see(talk, draft, change):
    before = counter()

    change(talk, draft)

    assert counter() == before


def test_a_venue_edit_bumps_the_content_version_only_if_a_public_talk_is_there(talk, draft):
    venue, drafts_venue = VenueFactory(name="G115"), VenueFactory(name="Back room")
    Talk.objects.filter(pk=talk.pk).update(venue=venue)  # no signal, as the fixture's own
    Talk.objects.filter(pk=draft.pk).update(venue=drafts_venue)
    before = counter()

    drafts_venue.name = "Backer room"
    drafts_venue.save()
    after_the_drafts = counter()
    venue.name = "G999"
    venue.save()

    assert (after_the_drafts, counter() > before) == (before, True)


def test_content_version_bumps_when_a_talk_is_unpublished(talk):
    before = counter()

    talk.status = Talk.Status.DRAFT
    talk.save()

    assert counter() == before + 1


@pytest.mark.parametrize("url", ["/", "/archive/", "/calendar.ics", "/api/talks/"])
def test_public_validators_stay_when_only_a_draft_changes(client, talk, draft, url):
    first = client.get(url)

    draft.title = "A secret new title"
    draft.save()
    TalkSpeaker.objects.create(talk=draft, speaker=SpeakerFactory(name="Secret Speaker"))
    later = client.get(url)

    assert (later["ETag"], later["Last-Modified"]) == (first["ETag"], first["Last-Modified"])
    assert b"Secret" not in later.content


def test_content_version_bump_is_one_update_query(django_assert_num_queries):
    with django_assert_num_queries(QUERIES["content version bump"]):
        bump_content_version()


def test_content_version_bumps_once_for_the_generated_data(talk):
    before = counter()

    generate_data(30)

    assert counter() == before + 1


def test_content_version_is_not_bumped_by_a_bulk_update_alone(talk):
    # QuerySet.update() sends no signal: a bulk path must call bump_content_version() itself
    # (as the generator does); this test pins down why.
    before = counter()

    Talk.objects.filter(pk=talk.pk).update(location="Hall B")

    assert counter() == before


def test_content_version_read_touches_only_its_own_table(clock):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_talks(30, NOW)

    with CaptureQueriesContext(connection) as queries:
        ContentVersion.objects.current()

    tables = set(re.findall(r'"?(seminars_\w+|speakers_\w+)"?', queries[0]["sql"]))
    assert (len(queries), tables) == (1, {"seminars_contentversion"})


@pytest.mark.parametrize("count", [5, 300])
@pytest.mark.parametrize("url", ["/", "/archive/", "/calendar.ics", "/api/talks/?when=all"])
def test_revalidation_costs_the_same_at_any_archive_size(
    client, clock, django_assert_num_queries, count, url
):
    make_talks(count, NOW)
    TalkFactory(start=NOW + datetime.timedelta(days=2), online_url="https://m.example.org/")
    etag = client.get(url)["ETag"]

    with django_assert_num_queries(QUERIES["content version read"]):
        response = client.get(url, headers={"If-None-Match": etag})

    assert response.status_code == 304


@pytest.mark.parametrize("count", [5, 300])
@pytest.mark.parametrize("url", ["/", "/archive/", "/calendar.ics"])
def test_cached_pages_and_feeds_cost_the_same_at_any_archive_size(
    client, clock, django_assert_num_queries, count, url
):
    make_talks(count, NOW)
    TalkFactory(start=NOW + datetime.timedelta(days=2), online_url="https://m.example.org/")
    body = client.get(url).content

    with django_assert_num_queries(QUERIES["content version read"]):
        response = client.get(url)

    assert (response.status_code, response.content) == (200, body)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keeps the version row
def test_content_version_read_outside_transactions_sees_every_bump_at_once():
    # Outside a transaction, on PostgreSQL, the read takes a prepared statement of its own:
    # it must see each bump on its next run, as the ORM does.
    from django.db import connection

    from seminars.models.content_version import (
        _NOT_READ,
        _read_version_from_postgresql,
        _version_read,
    )

    seen = []
    for _ in range(8):  # past the point where a driver would start preparing by itself
        bump_content_version()
        version = ContentVersion.objects.current()
        stored = ContentVersion.objects.get()
        seen.append((version.counter, version.changed_at) == (stored.counter, stored.changed_at))

    assert seen == [True] * 8
    fast_row = _read_version_from_postgresql(connection, _version_read(connection.alias)[0])
    assert (fast_row is _NOT_READ) == (connection.vendor != "postgresql")


@pytest.mark.skipif(
    "postgres" not in os.environ.get("DATABASE_URL", ""), reason="a PostgreSQL statement"
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keeps the version row
def test_content_version_read_survives_its_prepared_statement_being_dropped():
    # A pooler or an operator may drop every prepared statement of a connection.
    import psycopg
    from django.db import connection

    from seminars.models.content_version import (
        _NOT_READ,
        _read_version_from_postgresql,
        _version_read,
    )

    ContentVersion.objects.current()
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")

    seen = []
    for _ in range(2):  # the read that finds the statement gone, then the one preparing it
        bump_content_version()
        version = ContentVersion.objects.current()
        stored = ContentVersion.objects.get()
        seen.append((version.counter, version.changed_at) == (stored.counter, stored.changed_at))

    assert seen == [True, True]
    sql = _version_read(connection.alias)[0]
    assert _read_version_from_postgresql(connection, sql) is not _NOT_READ  # prepared again

    # libpq raising (a connection lost under it): the fast path steps aside for Django's
    # cursor, and prepares the statement again next time.
    driver_connection = connection.connection
    real_pgconn = driver_connection.pgconn

    class FailingPgconn:
        def __getattr__(self, name):
            return getattr(real_pgconn, name)

        def exec_prepared(self, *args, **kwargs):
            raise psycopg.OperationalError("the connection is lost")

    driver_connection.pgconn = FailingPgconn()
    try:
        assert _read_version_from_postgresql(connection, sql) is _NOT_READ
    finally:
        driver_connection.pgconn = real_pgconn
    assert _read_version_from_postgresql(connection, sql) is not _NOT_READ
