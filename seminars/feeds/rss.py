from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db import models
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.html import escape, linebreaks

from seminars import formatting
from seminars.http.conditional import cacheable
from seminars.models import EventType, Series, Talk, TalkQuerySet
from seminars.site_url import absolute_url
from speakers.markdown import markdown_to_text
from speakers.services import find_renamed

RSS_ITEMS = 50


@cacheable
class UpcomingTalksFeed(Feed):
    """RSS of the upcoming public talks (cancelled ones say so in their title).

    Feed readers render an item's title and description as HTML once the XML is parsed, so
    both are written as HTML whose every character of the talk's text is escaped: text such
    as "<img onerror=…>" in a title or abstract shows as written and never runs.
    """

    feed_type = Rss201rev2Feed

    def title(self):
        return f"{settings.SITE_NAME}: upcoming talks"

    def description(self):
        return settings.SITE_TAGLINE

    def link(self):
        return absolute_url(reverse("seminars:home"))

    def feed_url(self):
        return absolute_url(reverse("seminars:rss"))

    def items(self):
        return Talk.objects.public().upcoming().with_speakers()[:RSS_ITEMS]

    def item_title(self, talk):
        speakers = ", ".join(link.speaker.name for link in talk.speaker_links())
        title = f"{talk.title} ({speakers})" if speakers else talk.title
        return escape(" ".join(formatting.with_status(title, talk).split()))

    def item_description(self, talk):
        lines = [formatting.when(talk)]
        if talk.place:
            lines.append(talk.place)
        lines.append(markdown_to_text(talk.abstract))
        return linebreaks("\n\n".join(lines), autoescape=True)

    def item_link(self, talk):
        return absolute_url(talk.get_absolute_url())

    def item_guid(self, talk):
        return f"urn:uuid:{talk.uid}"

    item_guid_is_permalink = False

    def item_pubdate(self, talk):
        return talk.created

    def item_updateddate(self, talk):
        return talk.updated

    def item_categories(self, talk):
        return [event_type.name for event_type in talk.event_types.all()]


class TalksOfObjectFeed(UpcomingTalksFeed):
    """RSS of the upcoming public talks of one series or event type, named by its slug (an
    old slug still finds it: feed readers do not all follow redirects)."""

    url_name: str

    def objects(self) -> models.QuerySet:
        raise NotImplementedError

    def talks_of(self, obj) -> TalkQuerySet:
        raise NotImplementedError

    def get_object(self, request, slug):
        objects = self.objects()
        obj = objects.filter(slug=slug).first() or find_renamed(objects, slug)
        if obj is None:
            raise Http404("No such feed.")
        return obj

    def title(self, obj):
        return f"{obj.name}: upcoming talks"

    def description(self, obj):
        return f"The upcoming talks of {obj.name}."

    def link(self, obj):
        return absolute_url(obj.get_absolute_url())

    def feed_url(self, obj):
        return absolute_url(reverse(self.url_name, args=[obj.slug]))

    def items(self, obj):
        return self.talks_of(obj).upcoming().with_speakers()[:RSS_ITEMS]


class SeriesTalksFeed(TalksOfObjectFeed):
    url_name = "seminars:series-rss"

    def objects(self):
        return Series.objects.with_public_talks()

    def talks_of(self, obj):
        return obj.talks.public()


class EventTypeTalksFeed(TalksOfObjectFeed):
    url_name = "seminars:tag-rss"

    def objects(self):
        return EventType.objects.with_public_talks()

    def talks_of(self, obj):
        return obj.talks.public()
