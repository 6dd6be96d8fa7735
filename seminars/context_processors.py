from django.conf import settings


def site(request):
    """Give every template the site's name, tagline and public address."""
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_TAGLINE": settings.SITE_TAGLINE,
        "SITE_URL": settings.SITE_URL,
    }
