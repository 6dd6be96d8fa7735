from urllib.parse import urlencode, urlsplit

from django import template
from django.utils.text import slugify

from seminars.feeds.selection import SubscribeLinks, feed_links
from seminars.models import EventType, Series

register = template.Library()


@register.simple_tag
def calendar_feed(obj=None) -> SubscribeLinks:
    """Return the subscribe links of the feed of a series, tag or speaker (none: all talks)."""
    return feed_links(obj or None)


@register.filter
def element_id(links: SubscribeLinks) -> str:
    """Return an HTML id unique to the feed ("feed-series-x-calendar-ics")."""
    path = urlsplit(links.https).path
    return "feed-" + slugify(path.replace("/", " ").replace(".", " "))


@register.simple_tag
def email_signup_query(obj=None) -> str:
    """Return the query that ticks a series or tag on the email sign-up page ("?series=x")."""
    if isinstance(obj, Series):
        return "?" + urlencode({"series": obj.slug})
    if isinstance(obj, EventType):
        return "?" + urlencode({"tag": obj.slug})
    return ""
