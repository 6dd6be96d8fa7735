"""Social cards: /talks/<slug>/card.png, the image that shared links show (og:image).

Drawn with Pillow in DejaVu Sans, shipped in static/fonts/ with its licence (Bitstream Vera
licence; DejaVu changes are public domain): nothing is fetched at run time. A card is cached
under a digest of everything it shows, so it is drawn again only when that changes.
"""

import io
from dataclasses import astuple, dataclass
from functools import cache as once
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse
from PIL import Image, ImageDraw, ImageFont

from seminars import formatting
from seminars.filters import find_public_talk
from seminars.http.conditional import cacheable, content_digest
from seminars.http.release import release
from seminars.models import Talk

WIDTH, HEIGHT = 1200, 630
MARGIN = 72
FONTS = Path(settings.BASE_DIR) / "static" / "fonts"
BACKGROUND, TEXT, MUTED, ACCENT, DANGER = "#0b1b2c", "#ffffff", "#a9c7e8", "#7cb8f5", "#c81e1e"
CARD_CACHE_SECONDS = 30 * 24 * 60 * 60
TITLE_SIZES = (64, 56, 48, 42, 36)


@once
def font(size: int, *, bold: bool = False) -> ImageFont.FreeTypeFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(FONTS / name), size)


@dataclass(frozen=True)
class CardText:
    """Everything a talk's card shows."""

    series: str
    title: str
    speakers: str
    when: str
    cancelled: bool
    site: str

    @classmethod
    def of(cls, talk: Talk) -> "CardText":
        credits = [formatting.short_credit(link) for link in talk.speaker_links()]
        return cls(
            series=talk.series.name,
            title=talk.title,
            speakers=", ".join(credits)
            or (formatting.PLACEHOLDER_MARKER if talk.is_placeholder else ""),
            when=formatting.when(talk),
            cancelled=talk.is_cancelled,
            site=settings.SITE_URL.split("://", 1)[-1],
        )

    def digest(self) -> str:
        return content_digest([release(), *map(str, astuple(self))])


def wrap(text: str, face: ImageFont.FreeTypeFont, width: int, max_lines: int) -> list[str]:
    """Return `text` in lines no wider than `width`, at most `max_lines` (the last one ends
    with "…" when the text is longer)."""
    lines: list[str] = []
    for word in text.split():
        if lines and face.getlength(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1].rstrip(",:;") + " …"
    # A single word wider than the card (a URL) is cut.
    return [line if face.getlength(line) <= width else cut(line, face, width) for line in lines]


def cut(line: str, face: ImageFont.FreeTypeFont, width: int) -> str:
    while line and face.getlength(line + "…") > width:
        line = line[:-1]
    return line + "…"


def draw_card(text: CardText) -> bytes:
    """Return the PNG bytes of the card that shows `text`."""
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    inner = WIDTH - 2 * MARGIN
    draw.rectangle((0, 0, 16, HEIGHT), fill=DANGER if text.cancelled else ACCENT)
    y = MARGIN - 8
    series_font = font(34, bold=True)
    for line in wrap(text.series, series_font, inner, 1):
        draw.text((MARGIN, y), line, font=series_font, fill=ACCENT)
    y += 60
    if text.cancelled:
        label_font = font(34, bold=True)
        label = formatting.CANCELLED_MARKER.upper()
        box = draw.textbbox((MARGIN, y), label, font=label_font)
        draw.rectangle((box[0] - 12, box[1] - 8, box[2] + 12, box[3] + 8), fill=DANGER)
        draw.text((MARGIN, y), label, font=label_font, fill=TEXT)
        y += 70
    speakers_font = font(32)
    speaker_lines = wrap(text.speakers, speakers_font, inner, 2) if text.speakers else []
    bottom = HEIGHT - MARGIN - 100  # the time and the site's address go below
    room = bottom - y - 18 - 42 * len(speaker_lines)
    # The largest title size at which the whole title fits; else the smallest, cut.
    for size in TITLE_SIZES:
        title_font = font(size, bold=True)
        line_height = int(size * 1.22)
        lines = wrap(text.title, title_font, inner, max(1, room // line_height))
        if not lines[-1].endswith("…"):
            break
    for line in lines:
        draw.text((MARGIN, y), line, font=title_font, fill=TEXT)
        y += line_height
    y += 18
    for line in speaker_lines:
        draw.text((MARGIN, y), line, font=speakers_font, fill=TEXT)
        y += 42
    footer_font = font(30)
    when_font = font(32, bold=True)
    when = wrap(text.when, when_font, inner, 1)[0]
    draw.text((MARGIN, HEIGHT - MARGIN - 86), when, font=when_font, fill=MUTED)
    draw.text((MARGIN, HEIGHT - MARGIN - 34), text.site, font=footer_font, fill=MUTED)
    output = io.BytesIO()
    image.save(output, format="PNG", optimize=True)
    return output.getvalue()


@cacheable
def talk_card(request, slug: str) -> HttpResponse:
    """Serve the social card of the public talk `slug`."""
    talk = find_public_talk(slug)
    if talk is None:
        raise Http404("No such talk.")
    text = CardText.of(talk)
    key = f"card:{text.digest()}"
    body = cache.get(key)
    if body is None:
        body = draw_card(text)
        cache.set(key, body, CARD_CACHE_SECONDS)
    return HttpResponse(body, content_type="image/png")
