from django.urls import reverse

from seminars.models import EventType, Series, Talk
from speakers.sitemaps import AffiliationSitemap, SiteURLSitemap, SpeakerSitemap


class PageSitemap(SiteURLSitemap):
    def items(self):
        return [
            "seminars:home",
            "seminars:archive",
            "seminars:series-list",
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


SITEMAPS = {
    "pages": PageSitemap,
    "talks": TalkSitemap,
    "series": SeriesSitemap,
    "tags": EventTypeSitemap,
    "speakers": SpeakerSitemap,
    "affiliations": AffiliationSitemap,
}
