from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap

from speakers.models import Affiliation, Speaker


class SiteURLSitemap(Sitemap):
    """A sitemap whose URLs are on settings.SITE_URL, whatever host the request named."""

    @property
    def protocol(self):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class SpeakerSitemap(SiteURLSitemap):
    def items(self):
        return Speaker.objects.with_public_talks().order_by("slug")


class AffiliationSitemap(SiteURLSitemap):
    def items(self):
        return Affiliation.objects.with_public_talks().order_by("slug")
