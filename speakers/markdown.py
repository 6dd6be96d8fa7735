"""Markdown written by staff, turned into safe HTML or plain text.

Abstracts and bios are Markdown; Markdown passes raw HTML through, so the HTML is sanitised
with nh3 (no scripts, no event-handler attributes, only http, https and mailto links).
"""

import html
import threading

import markdown
import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "em", "h2", "h3", "h4", "hr", "i", "li",
    "ol", "p", "pre", "strong", "sub", "sup", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


_converters = threading.local()


def markdown_to_html(text: str) -> str:
    """Return the (unsanitised) HTML of Markdown `text`."""
    # One converter per thread, reset between texts: making one costs as much as converting.
    converter = getattr(_converters, "markdown", None)
    if converter is None:
        converter = _converters.markdown = markdown.Markdown(extensions=["sane_lists"])
    return converter.reset().convert(text or "")


def render_markdown(text: str) -> str:
    """Return sanitised HTML for Markdown `text`."""
    raw_html = markdown_to_html(text)
    return nh3.clean(
        raw_html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
    ).strip()


def markdown_to_text(text: str) -> str:
    """Return Markdown `text` as plain text: markup removed, paragraphs kept apart."""
    safe_html = render_markdown(text)
    for block_end in ("</p>", "</li>", "</h2>", "</h3>", "</h4>", "<br>", "</blockquote>"):
        safe_html = safe_html.replace(block_end, block_end + "\n")
    plain = html.unescape(nh3.clean(safe_html, tags=set()))
    paragraphs = [" ".join(line.split()) for line in plain.split("\n")]
    return "\n".join(p for p in paragraphs if p).strip()
