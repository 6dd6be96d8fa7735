"""Search over talk titles, abstracts, speakers and affiliations."""

import re

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Case, F, Q, Value, When

from seminars.models import TalkQuerySet, TalkSpeaker

MAX_QUERY_LENGTH = 200
SEARCH_CONFIG = "english"


def search_talks(talks: TalkQuerySet, query: str) -> TalkQuerySet:
    """Return the talks of `talks` matching `query`.

    On PostgreSQL: full-text search over title and abstract (each word a prefix, so "LLM"
    also finds "LLMs"), ranked, newest first among equals. Elsewhere: a case-insensitive
    match, newest first. Either way a speaker's or an affiliation's name also matches.
    """
    people = TalkSpeaker.objects.filter(
        Q(speaker__name__icontains=query)
        | Q(affiliation__name__icontains=query)
        | Q(affiliation__short_name__icontains=query)
    ).values("talk_id")
    words = re.findall(r"\w+", query)
    if connection.vendor == "postgresql" and words:
        text_query = SearchQuery(
            " & ".join(f"{word}:*" for word in words), config=SEARCH_CONFIG, search_type="raw"
        )
        vector = SearchVector("title", weight="A", config=SEARCH_CONFIG) + SearchVector(
            "abstract", weight="B", config=SEARCH_CONFIG
        )
        return (
            talks.annotate(document=vector)
            .filter(Q(document=text_query) | Q(pk__in=people))
            .annotate(
                rank=SearchRank(F("document"), text_query)
                + Case(When(pk__in=people, then=Value(1.0)), default=Value(0.0))
            )
            .order_by("-rank", "-start", "-pk")
        )
    return talks.filter(
        Q(title__icontains=query) | Q(abstract__icontains=query) | Q(pk__in=people)
    ).order_by("-start", "-pk")
