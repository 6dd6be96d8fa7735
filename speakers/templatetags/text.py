from django import template
from django.utils.safestring import mark_safe

from speakers.markdown import markdown_to_text, render_markdown

register = template.Library()


@register.filter
def markdown(text: str) -> str:
    """Render staff-written Markdown as sanitised HTML."""
    return mark_safe(render_markdown(text))  # noqa: S308 - sanitised by nh3


@register.filter
def plaintext(text: str) -> str:
    """Reduce staff-written Markdown to plain text (for meta descriptions)."""
    return markdown_to_text(text)
