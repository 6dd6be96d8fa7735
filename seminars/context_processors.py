from django.conf import settings
from django.utils.functional import SimpleLazyObject

from seminars.models import Series


def site(request):
    """Give every template the site's name, tagline and public address."""
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_TAGLINE": settings.SITE_TAGLINE,
        "SITE_URL": settings.SITE_URL,
    }


def has_several_series() -> bool:
    """Return whether more than one series has public talks (then lists name each talk's)."""
    return Series.objects.with_public_talks()[:2].count() > 1


def series_shown(request):
    """Give templates `several_series`, asked of the database only by a page that lists
    talks (talk_item.html), once per page."""
    return {"several_series": SimpleLazyObject(has_several_series)}
