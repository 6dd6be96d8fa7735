"""Every query budget of the suite: how many queries a request or call may make.

Each django_assert_num_queries test reads its expected count from here. A list-like page, feed
or admin list has one budget at two data sizes (make_talks in tests/factories.py), so an N+1
fails. A change in one of these numbers is a change in what the site costs: say why in the
commit.
"""

from seminars.models import EventType, Series
from speakers.models import Affiliation, Speaker

QUERIES = {
    # The page cache: a hit (200 or 304) reads only the content version; a miss adds the
    # content version and the page's time window to what the view costs (PAGES).
    "cached page": 1,
    "page cache miss": 2,
    # The 404 of an unknown talk, never cached: version, window, talk, renamed-slug lookup.
    "unknown talk page": 4,
    # A 304 to a calendar feed whose body is cached, and one whose body is not: the version,
    # then the series (a 404 must stay a 404); no talks.
    "calendar 304": 1,
    "calendar 304 without cached body": 2,
    # One talk's .ics download: version, the talk, then its values, speakers, tags and
    # materials.
    "talk calendar": 6,
    # Talk.objects.with_speakers(): the talk, its speaker links with speakers, affiliations.
    "talk with speakers": 3,
    "content version read": 1,
    "content version bump": 1,
    # The admin's talk list once the session is warm.
    "admin talk changelist": 11,
}

# Public pages and what their views cost on a page-cache miss ("page cache miss" more).
PAGES = {
    "/": 9,
    "/next/": 3,
    "/talks/talk-1/": 4,
    "/archive/": 5,
    "/archive/2026/": 6,
    "/series/": 1,
    "/series/test-seminar/": 8,
    "/tags/seminar/": 8,
    "/speakers/": 1,
    "/speakers/shared-speaker/": 8,
    "/affiliations/shared-university/": 9,
    "/search/?q=talk": 4,
    "/feed/": 3,
    "/sitemap.xml": 10,
    "/venues/": 1,
    "/venues/shared-hall/": 8,
    "/archive/?has=slides": 5,
}

# Calendar feeds, built afresh: version, talks, their speakers, their tags, their materials,
# and one more query per filter that names objects.
CALENDARS = {
    "/calendar.ics": 5,
    "/calendar.ics?series=test-seminar&tag=seminar&speaker=shared-speaker": 8,
    "/speakers/shared-speaker/calendar.ics": 6,
    "/venues/shared-hall/calendar.ics": 6,
    "/calendar.ics?venue=shared-hall&has=slides": 6,
}

EMBEDS = {
    "/embed/upcoming/": 3,
    "/embed/past/?limit=5": 3,
    "/embed/upcoming/?series=test-seminar&tag=seminar&speaker=shared-speaker&limit=3": 6,
    # The unknown slug is also looked for among retired slugs.
    "/embed/upcoming/?series=nope": 2,
    "/embed/past/?venue=shared-hall&has=slides": 4,
    "/embed/?series=test-seminar": 2,
}

API = {
    "/api/talks/": 7,
    "/api/talks/?when=past&limit=5": 7,
    "/api/talks/?when=all&series=test-seminar&tag=seminar&tag=tech-week&speaker=shared-speaker"
    "&from=2020-01-01&to=2030-12-31&page=2&limit=3": 9,
    "/api/talks/talk-1/": 5,
    "/api/talks/?when=all&venue=shared-hall&has=slides&has=recording": 7,
    "/api/series/": 3,
    "/api/speakers/shared-speaker/": 2,
}

# A repeated API request answered 304 (on the demo): the content version, and for lists of
# upcoming or past talks the next end of a talk.
API_304 = {
    "/api/talks/": 2,
    "/api/talks/?series=systems-seminar&when=past&limit=2": 2,
    "/api/talks/?when=all": 1,
    "/api/talks/inference-and-ai-infrastructure-special-event-for-bostechweek/": 1,
    "/api/series/": 1,
    "/api/speakers/venkat-pullela/": 1,
}

# Other admin lists once the session is warm: session, user, the list's count queries, the
# rows (with their related columns) and the filters' choices.
ADMIN_CHANGELISTS = {Series: 5, EventType: 5, Speaker: 6, Affiliation: 5}
