"""Search over talk titles, abstracts, speakers and affiliations."""

import re

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection
from django.db.models import Case, F, Q, Value, When
from django.db.models.expressions import RawSQL

from seminars.models import TalkQuerySet, TalkSpeaker
from speakers.models import Affiliation, Speaker

MAX_QUERY_LENGTH = 200
SEARCH_CONFIG = "english"
# The talk's weighted title (A) and abstract (B), a column PostgreSQL keeps and indexes
# (migration 0006); not a model field, as other databases have no such type.
SEARCH_DOCUMENT = RawSQL('"seminars_talk"."search_document"', [], SearchVectorField())
TEXT_MATCHES = "SELECT id FROM seminars_talk WHERE search_document @@ to_tsquery(%s::regconfig, %s)"


def search_talks(talks: TalkQuerySet, query: str) -> TalkQuerySet:
    """Return the talks of `talks` matching `query`.

    On PostgreSQL: full-text search over title and abstract (each word a prefix, so "LLM"
    also finds "LLMs"), ranked, newest first among equals. Elsewhere: a case-insensitive
    match, newest first. Either way a speaker's or an affiliation's name also matches.
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
    return talks.filter(
        Q(title__icontains=query) | Q(abstract__icontains=query) | Q(pk__in=people)
    ).order_by("-start", "-pk")
