"""Finding 10: the RSS feed, read by a real feed parser, shows a talk's text as written:
markup in a title or abstract never becomes live HTML in a reader."""

import feedparser
import pytest

from seminars.models import Talk
from tests.factories import SpeakerFactory, TalkFactory

pytestmark = pytest.mark.django_db


def test_rss_text_stays_inert_in_a_feed_reader(client, now):
    talk = TalkFactory(
        title="Placeholder",
        location="Room <b>7</b>",
        abstract=(
            "Escaped &lt;img src=x onerror=alert(1)&gt; and "
            '`<a href="https://evil.example">click</a>` stay text.'
        ),
        speakers=[SpeakerFactory(name="Eve <i>Hacker</i>", affiliation=None)],
    )
    # A title stored before control characters were refused.
    Talk.objects.filter(pk=talk.pk).update(title="A <script>alert(1)</script>\r\nclaim")

    feed = feedparser.parse(client.get("/feed/").content)

    [entry] = feed.entries
    assert feed.bozo is False
    assert entry.title == (
        "A &lt;script&gt;alert(1)&lt;/script&gt; claim (Eve &lt;i&gt;Hacker&lt;/i&gt;)"
    )
    assert entry.summary == (
        "<p>Tue 8 Dec 2026, 12:00–13:00 EST</p>\n\n"
        "<p>Room &lt;b&gt;7&lt;/b&gt;</p>\n\n"
        "<p>Escaped &lt;img src=x onerror=alert(1)&gt; and "
        "&lt;a href=&quot;https://evil.example&quot;&gt;click&lt;/a&gt; stay text.</p>"
    )
