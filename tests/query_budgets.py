"""Every query budget of the suite: how many queries a request or call may make.

Each django_assert_num_queries test reads its expected count from here. A list-like page, feed
or admin list has one budget at two data sizes (make_talks in tests/factories.py), so an N+1
fails. A change in one of these numbers is a change in what the site costs: say why in the
commit.
"""

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import Group, User

from seminars.models import Announcement, EventType, Series
from speakers.models import Affiliation, Speaker

# The first calendar or API response of a worker after the content changes, or after an
# online link became public, also asks when the next link becomes public (one query of
# one-row index scans, seminars/http/conditional.link_window); later ones reuse the answer.
LINK_WINDOW = 1

QUERIES = {
    # The page cache: a hit (200 or 304) reads only the content version; a miss adds the
    # content version and the page's time window to what the view costs (PAGES).
    "cached page": 1,
    "page cache miss": 2,
    # The 404 of an unknown talk, never cached: version, window, talk, renamed-slug lookup.
    "unknown talk page": 4,
    # A 304 to a calendar feed whose body is cached, and one whose body is not: the version,
    # then the series (a 404 must stay a 404); no talks. Without the body, the worker also
    # starts afresh (LINK_WINDOW).
    "calendar 304": 1,
    "calendar 304 without cached body": 2 + LINK_WINDOW,
    # One talk's .ics download: version, the talk, then its values, speakers, tags and
    # materials.
    "talk calendar": 6 + LINK_WINDOW,
    # Talk.objects.with_speakers(): the talk, its speaker links with speakers, affiliations.
    "talk with speakers": 3,
    "content version read": 1,
    "content version bump": 1,
    # The admin's talk list once the session is warm (one query of it checks that no talk is
    # dated outside TALK_YEARS, which the date hierarchy could not show; one reads the
    # speakers' invitations).
    "admin talk changelist": 13,
    # The admin's dashboard: session, user, series, next talks and their speakers, open slots,
    # drafts, talks to announce, weeks announced, failed announcements, unconfirmed speakers,
    # recent actions.
    "admin dashboard": 12,
}

# Public pages and what their views cost on a page-cache miss ("page cache miss" more).
# A page that lists talks asks once whether several series have public talks (then each
# talk names its series).
PAGES = {
    "/": 10,
    "/next/": 3,
    "/talks/talk-1/": 4,
    # The archive's years also read the timezones the series use (a talk's year is that of
    # its series' timezone).
    "/archive/": 7,
    "/archive/2026/": 8,
    "/series/": 1,
    "/series/test-seminar/": 9,
    "/tags/seminar/": 9,
    "/speakers/": 1,
    "/speakers/shared-speaker/": 9,
    "/affiliations/shared-university/": 10,
    "/search/?q=talk": 5,
    "/feed/": 3,
    "/tags/": 1,
    "/calendar/": 4,
    "/calendar/2026/12/": 4,
    # The subscribe page's feeds and the builder's choices; a combination resolves its filters.
    "/subscribe/": 5,
    "/subscribe/?series=test-seminar&tag=seminar&speaker=shared-speaker": 11,
    "/affiliations/": 1,
    "/series/test-seminar/feed/": 4,
    "/tags/seminar/feed/": 4,
    "/sitemap.xml": 12,
    "/venues/": 1,
    "/venues/shared-hall/": 9,
    "/archive/?has=slides": 7,
}

# Calendar feeds, built afresh after a change: version, talks, their speakers, their tags,
# their materials, one more query per filter that names objects, and LINK_WINDOW.
CALENDARS = {
    "/calendar.ics": 5 + LINK_WINDOW,
    "/calendar.ics?series=test-seminar&tag=seminar&speaker=shared-speaker": 8 + LINK_WINDOW,
    "/speakers/shared-speaker/calendar.ics": 6 + LINK_WINDOW,
    "/venues/shared-hall/calendar.ics": 6 + LINK_WINDOW,
    "/calendar.ics?venue=shared-hall&has=slides": 6 + LINK_WINDOW,
}

EMBEDS = {
    "/embed/upcoming/": 3,
    "/embed/past/?limit=5": 3,
    "/embed/upcoming/?series=test-seminar&tag=seminar&speaker=shared-speaker&limit=3": 6,
    # The unknown slug is also looked for among retired slugs.
    "/embed/upcoming/?series=nope": 2,
    "/embed/past/?venue=shared-hall&has=slides": 4,
    "/embed/?series=test-seminar": 3,
}

# API responses built after a change (each with LINK_WINDOW).
API = {
    "/api/talks/": 7 + LINK_WINDOW,
    "/api/talks/?when=past&limit=5": 7 + LINK_WINDOW,
    "/api/talks/?when=all&series=test-seminar&tag=seminar&tag=tech-week&speaker=shared-speaker"
    "&from=2020-01-01&to=2030-12-31&page=2&limit=3": 9 + LINK_WINDOW,
    "/api/talks/talk-1/": 5 + LINK_WINDOW,
    "/api/talks/?when=all&venue=shared-hall&has=slides&has=recording": 7 + LINK_WINDOW,
    "/api/series/": 3 + LINK_WINDOW,
    "/api/speakers/shared-speaker/": 2 + LINK_WINDOW,
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
ADMIN_CHANGELISTS = {
    Series: 5,
    EventType: 5,
    Speaker: 6,
    Affiliation: 5,
    # Its date hierarchy adds the date range, the years and the check that no row lies outside
    # the years it can show; filters add their choices.
    Announcement: 9,
    User: 6,
    Group: 5,
    # django-axes' login logs (superusers only), each with a date hierarchy.
    AccessAttempt: 8,
    AccessLog: 8,
    AccessFailureLog: 8,
}
