from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from seminars.models import EventType, Series, Talk, Venue


class SiteURLSitemap(Sitemap):
    """A sitemap whose URLs are on settings.SITE_URL, whatever host the request named."""

    @property
    def protocol(self):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class PageSitemap(SiteURLSitemap):
    def items(self):
        return [
            "seminars:home",
            "seminars:archive",
            "seminars:series-list",
            "seminars:venue-list",
            "speakers:speaker-list",
        ]

    def location(self, item):
        return reverse(item)


class TalkSitemap(SiteURLSitemap):
    def items(self):
        return Talk.objects.public().order_by("-start", "-pk").only("slug", "updated")

    def lastmod(self, talk):
        return talk.updated


class SeriesSitemap(SiteURLSitemap):
    def items(self):
        return Series.objects.with_public_talks().order_by("slug")


class EventTypeSitemap(SiteURLSitemap):
    def items(self):
        return EventType.objects.with_public_talks().order_by("slug")


class VenueSitemap(SiteURLSitemap):
    def items(self):
        return Venue.objects.with_public_talks().order_by("slug")


class SpeakerSitemap(SiteURLSitemap):
    def items(self):
        return Talk.objects.public().speakers().order_by("slug")


class AffiliationSitemap(SiteURLSitemap):
    def items(self):
        return Talk.objects.public().affiliations().order_by("slug")


SITEMAPS = {
    "pages": PageSitemap,
    "talks": TalkSitemap,
    "series": SeriesSitemap,
    "tags": EventTypeSitemap,
    "venues": VenueSitemap,
    "speakers": SpeakerSitemap,
    "affiliations": AffiliationSitemap,
}
