"""The release: a digest of everything but the data that shapes the bytes the site serves.

Cached pages, feed bodies, event bytes and the ETags that subscribers and browsers keep all
outlive a deployment (the shared cache is persistent). Every cache key and ETag includes the
release, so a new release never serves bytes that the previous one made, and nobody has to
remember to raise a format number by hand.
"""

import functools
import hashlib
from importlib.metadata import version
from pathlib import Path

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

CODE_DIRS = ("config", "seminars", "speakers")
TEMPLATE_DIRS = ("templates",)
# The packages whose code writes what the site serves: templates, RSS and sitemaps, calendar
# lines, Markdown and its sanitising.
PACKAGES = ("Django", "icalendar", "Markdown", "nh3")
# The settings that public pages, feeds and the API show or depend on.
SETTINGS = (
    "SITE_URL",
    "SITE_NAME",
    "SITE_TAGLINE",
    "TIME_ZONE",
    "STATIC_URL",
    "MEDIA_URL",
    "FEED_PAST_MONTHS",
    "ONLINE_LINK_MINUTES_BEFORE",
)


@functools.cache
def code_digest() -> str:
    """Return a digest of the code, the templates, the static files' manifest (the hashed
    names that pages link to) and the versions of PACKAGES, read once per process."""
    digest = hashlib.sha256()
    base = Path(settings.BASE_DIR)
    files = [
        *(path for folder in CODE_DIRS for path in (base / folder).rglob("*.py")),
        *(
            path
            for folder in TEMPLATE_DIRS
            for path in (base / folder).rglob("*")
            if path.is_file()
        ),
    ]
    for path in sorted(files):
        digest.update(str(path.relative_to(base)).encode() + b"\0" + path.read_bytes())
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if manifest.exists():
        digest.update(manifest.read_bytes())
    for package in PACKAGES:
        digest.update(f"{package}=={version(package)}".encode())
    return digest.hexdigest()


def release() -> str:
    """Return the digest of the running release: its code and its SETTINGS."""
    return _with_settings(code_digest())


@functools.lru_cache(maxsize=4)
def _with_settings(code: str) -> str:
    values = [str(getattr(settings, name)) for name in SETTINGS]
    return hashlib.sha256("\n".join([code, *values]).encode()).hexdigest()[:16]


@receiver(setting_changed)
def forget_settings(*, setting: str, **kwargs) -> None:
    """Read SETTINGS again after a test changed one in this process."""
    if setting in SETTINGS:
        _with_settings.cache_clear()
