"""The URLs the benchmark measures, found in the generated data."""

from seminars.devdata.generate import HOST_NAME
from seminars.models import Talk
from speakers.models import Speaker


def bench_urls() -> dict[str, str]:
    """Return the benchmark's pages and feeds by label: a recent talk, a frequent speaker."""
    talk = Talk.objects.public().past().first()
    speaker = Talk.objects.public().speakers().exclude(name=HOST_NAME).order_by("pk").first()
    host = Speaker.objects.filter(name=HOST_NAME).order_by("pk").first()
    return {
        "home": "/",
        "talk page": talk.get_absolute_url(),
        "archive": "/archive/",
        "archive, page 40": "/archive/?page=40",
        "speaker page": speaker.get_absolute_url(),
        "search": "/search/?q=caching",
        "RSS": "/feed/",
        "calendar feed": "/calendar.ics",
        "5,000-event feed": f"/speakers/{host.slug}/calendar.ics",
    }
