"""The site's public address, for absolute URLs that do not depend on the request."""

from django.conf import settings


def absolute_url(path: str) -> str:
    """Return `path` ("/talks/x/") as an absolute URL on settings.SITE_URL."""
    return settings.SITE_URL + path
