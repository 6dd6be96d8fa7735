"""Search over talk titles, abstracts, speakers and affiliations."""

import re

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection
from django.db.models import Case, F, Q, Value, When
from django.db.models.expressions import RawSQL

from seminars.models import TalkQuerySet, TalkSpeaker
from speakers.models import Affiliation, Speaker

MAX_QUERY_LENGTH = 200
# English stemming with accents folded (unaccent), made by migration 0011: "zurich" finds
# "Zürich", as SQLite's FTS5 index below does.
SEARCH_CONFIG = "seminars_english"
# The talk's weighted title (A) and abstract (B), a column PostgreSQL keeps and indexes
# (migration 0006); not a model field, as other databases have no such type.
SEARCH_DOCUMENT = RawSQL('"seminars_talk"."search_document"', [], SearchVectorField())
TEXT_MATCHES = "SELECT id FROM seminars_talk WHERE search_document @@ to_tsquery(%s::regconfig, %s)"

# SQLite: an FTS5 index of each talk's title and abstract (Porter stemming, accents folded),
# kept by triggers so that every write path, bulk ones too, keeps it right
# (https://www.sqlite.org/fts5.html#external_content_tables). Installed by migration 0011
# and again after every migrate: SQLite's ALTER TABLE remakes the table and drops triggers.
SQLITE_SEARCH_INDEX = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS seminars_talk_fts USING fts5(
        title, abstract, content='seminars_talk', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER IF NOT EXISTS seminars_talk_fts_insert AFTER INSERT ON seminars_talk
    BEGIN
        INSERT INTO seminars_talk_fts(rowid, title, abstract)
        VALUES (new.id, new.title, new.abstract);
    END""",
    """CREATE TRIGGER IF NOT EXISTS seminars_talk_fts_delete AFTER DELETE ON seminars_talk
    BEGIN
        INSERT INTO seminars_talk_fts(seminars_talk_fts, rowid, title, abstract)
        VALUES ('delete', old.id, old.title, old.abstract);
    END""",
    """CREATE TRIGGER IF NOT EXISTS seminars_talk_fts_update AFTER UPDATE ON seminars_talk
    BEGIN
        INSERT INTO seminars_talk_fts(seminars_talk_fts, rowid, title, abstract)
        VALUES ('delete', old.id, old.title, old.abstract);
        INSERT INTO seminars_talk_fts(rowid, title, abstract)
        VALUES (new.id, new.title, new.abstract);
    END""",
    "INSERT INTO seminars_talk_fts(seminars_talk_fts) VALUES ('rebuild')",
]
# PostgreSQL's English stop words (its tsearch_data/english.stop), which its search leaves
# out of a query; SQLite leaves them out too, so that both find the same talks.
STOP_WORDS = frozenset(
    """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his
    himself she her hers herself it its itself they them their theirs themselves what
    which who whom this that these those am is are was were be been being have has had
    having do does did doing a an the and but if or because as until while of at by for
    with about against between into through during before after above below to from up
    down in out on off over under again further then once here there when where why how
    all any both each few more most other some such no nor not only own same so than too
    very s t can will just don should now
    """.split()  # noqa: SIM905 (127 words read better as text)
)
SQLITE_TEXT_MATCHES = "SELECT rowid FROM seminars_talk_fts WHERE seminars_talk_fts MATCH %s"


def install_sqlite_search(connection) -> None:
    """Create (or re-create) SQLite's FTS5 index of talks and its triggers, and fill it."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for statement in SQLITE_SEARCH_INDEX:
            cursor.execute(statement)


def ensure_sqlite_search(using: str = "default", **kwargs) -> None:
    """After migrate (post_migrate): put back what a remade seminars_talk table lost."""
    from django.db import connections

    if "seminars_talk" in connections[using].introspection.table_names():
        install_sqlite_search(connections[using])


def search_talks(talks: TalkQuerySet, query: str) -> TalkQuerySet:
    """Return the talks of `talks` matching `query`.

    Full-text search over title and abstract: every word must match, in any order, each
    as a stemmed prefix ("LLM" also finds "LLMs"), accents folded ("zurich" finds "Zürich").
    On PostgreSQL ranked, newest first among equals; on SQLite (FTS5) newest first. Either
    way a speaker's or an affiliation's name also matches.
    """
    # The few matching speakers and affiliations first, then their talks by index: one
    # filter over the joined rows would test every speaker of every talk.
    speakers = Speaker.objects.filter(name__icontains=query)
    affiliations = Affiliation.objects.filter(
        Q(name__icontains=query) | Q(short_name__icontains=query)
    )
    people = TalkSpeaker.objects.filter(
        Q(speaker__in=speakers) | Q(affiliation__in=affiliations)
    ).values("talk_id")
    words = re.findall(r"\w+", query)
    if connection.vendor == "postgresql" and words:
        raw_query = " & ".join(f"{word}:*" for word in words)
        text_query = SearchQuery(raw_query, config=SEARCH_CONFIG, search_type="raw")
        # Two sets of ids, each found through an index: testing `document @@ query OR ...`
        # on each talk would read every talk's document.
        texts = RawSQL(TEXT_MATCHES, [SEARCH_CONFIG, raw_query])  # noqa: S611 (parameters)
        return (
            talks.annotate(document=SEARCH_DOCUMENT)
            .filter(Q(pk__in=texts) | Q(pk__in=people))
            .annotate(
                rank=SearchRank(F("document"), text_query)
                + Case(When(pk__in=people, then=Value(1.0)), default=Value(0.0))
            )
            .order_by("-rank", "-start", "-pk")
        )
    if connection.vendor == "sqlite" and words:
        # Each word quoted (a phrase of one token) so that nothing is FTS5 syntax, then "*".
        match = " ".join(f'"{word}"*' for word in words if word.lower() not in STOP_WORDS)
        texts = RawSQL(SQLITE_TEXT_MATCHES, [match]) if match else []  # noqa: S611 (parameters)
        return talks.filter(Q(pk__in=texts) | Q(pk__in=people)).order_by("-start", "-pk")
    return talks.filter(
        Q(title__icontains=query) | Q(abstract__icontains=query) | Q(pk__in=people)
    ).order_by("-start", "-pk")
