"""make backup / make restore: a portable copy that reproduces the same pages and feeds."""

import io

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from PIL import Image

from seminars.models import Talk
from speakers.models import RetiredSlug, Speaker
from speakers.services import retire_slug

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/archive/",
    "/speakers/",
    "/speakers/venkat-pullela/",
    "/series/systems-seminar/",
    "/feed/",
    "/calendar.ics",
    "/speakers/binxu-wang/calendar.ics",
    "/sitemap.xml",
]


def snapshot(client):
    talk_pages = [talk.get_absolute_url() for talk in Talk.objects.public().order_by("pk")]
    return {path: client.get(path).content for path in PAGES + talk_pages}


@pytest.fixture
def site_with_history(demo, media_root, staff_client):
    """The demo with a photo, a cancelled talk, a renamed slug and an admin log entry."""
    buffer = io.BytesIO()
    Image.new("RGB", (300, 300), "orange").save(buffer, format="PNG")
    speaker = Speaker.objects.get(name="Binxu Wang")
    speaker.photo.save("binxu.png", ContentFile(buffer.getvalue()))
    talk = Talk.objects.get(title__startswith="Firefly")
    talk.status = Talk.Status.CANCELLED
    talk.save()
    old_slug, talk.slug = talk.slug, "firefly"
    talk.save()
    retire_slug(talk, old_slug)
    staff_client.post(
        "/admin/seminars/talk/", {"action": "publish_selected", "_selected_action": [talk.pk]}
    )
    return speaker


# A real transaction, as `make restore` has: PostgreSQL refuses to empty tables (TRUNCATE)
# inside the test's own transaction once rows were written in it. serialized_rollback puts
# back what migrations made (the default event types) for the tests that follow.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_backup_and_restore_reproduce_pages_feeds_and_photos(
    client, site_with_history, media_root, tmp_path
):
    before = snapshot(client)
    uids = set(Talk.objects.values_list("uid", flat=True))
    photo = site_with_history.photo.name
    photo_bytes = (media_root / photo).read_bytes()

    call_command("backup", str(tmp_path / "backup"))
    (media_root / photo).unlink()
    call_command("restore", str(tmp_path / "backup"), "--force")
    cache.clear()

    assert snapshot(client) == before
    assert set(Talk.objects.values_list("uid", flat=True)) == uids
    assert (media_root / photo).read_bytes() == photo_bytes
    assert RetiredSlug.objects.get().slug.startswith("firefly-")
    assert client.get(f"/talks/{RetiredSlug.objects.get().slug}/").status_code == 301
    entry = LogEntry.objects.get(action_flag=CHANGE)
    assert (entry.user.username, entry.get_change_message()) == ("organiser", "Published.")


def test_restore_refuses_a_database_that_holds_talks(demo, tmp_path):
    call_command("backup", str(tmp_path / "backup"))
    with pytest.raises(CommandError, match="already holds talks or speakers"):
        call_command("restore", str(tmp_path / "backup"))
    assert Talk.objects.count() == 10


def test_restore_refuses_a_folder_that_is_not_a_backup(db, tmp_path):
    with pytest.raises(CommandError, match="is not a backup"):
        call_command("restore", str(tmp_path))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # see the test above
def test_restore_moves_the_content_version_past_the_one_before(demo, tmp_path):
    from seminars.models import ContentVersion

    call_command("backup", str(tmp_path / "backup"))
    for _ in range(5):
        ContentVersion.objects.bump()
    before = ContentVersion.objects.current()
    call_command("restore", str(tmp_path / "backup"), "--force")
    after = ContentVersion.objects.current()
    assert after.counter == before.counter + 1
    assert after.changed_at > before.changed_at
