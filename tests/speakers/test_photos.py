import io
import re
import struct
import warnings
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms import modelform_factory
from django.urls import reverse
from PIL import Image, ImageCms

from speakers.history import latest_version_id
from speakers.models import Speaker
from speakers.services import delete_photo_files
from tests.factories import SpeakerFactory, TalkFactory

pytestmark = pytest.mark.django_db

SpeakerPhotoForm = modelform_factory(Speaker, fields=("name", "photo"))
STORED_NAME = re.compile(r"speakers/(?P<stem>[0-9a-f]{32})\.jpg")

NOT_AN_IMAGE = "This file is not a JPEG, PNG or WebP image."
DAMAGED = "The image is damaged or incomplete; upload a complete copy."
TOO_MANY_PIXELS = "The image has more than 40 megapixels; scale it down and upload it again."


def image_bytes(image_format, size=(64, 48), mode="RGB", color="teal", **options) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, format=image_format, **options)
    return buffer.getvalue()


def noise_jpeg(size=(200, 200)) -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise(size, 60).convert("RGB").save(buffer, format="JPEG")
    return buffer.getvalue()


def png_claiming(width, height) -> bytes:
    """Return a PNG of a few bytes whose header claims `width` × `height` pixels, as a
    decompression bomb's does."""
    data = bytearray(image_bytes("PNG", size=(1, 1), mode="1"))
    # After the 8-byte signature: the IHDR chunk's length, then its type and 13 data bytes
    # (width and height first), then the CRC of type and data.
    chunk = data[12:29]
    chunk[4:12] = struct.pack(">II", width, height)
    data[12:29] = chunk
    data[29:33] = struct.pack(">I", zlib.crc32(chunk))
    return bytes(data)


def padded_png(total_bytes) -> bytes:
    """Return a valid PNG of exactly `total_bytes` bytes (decoders ignore data after IEND)."""
    data = image_bytes("PNG")
    return data + b"\0" * (total_bytes - len(data))


def upload(name, data, content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def stored_files(media_root) -> list[str]:
    return sorted(path.relative_to(media_root).as_posix() for path in media_root.rglob("*.*"))


def saved_speaker(photo) -> Speaker:
    form = SpeakerPhotoForm(data={"name": "Ada Lovelace"}, files={"photo": photo})
    assert form.errors == {}
    return form.save()


def stored_bytes(file) -> bytes:
    with file.open("rb"):
        return file.read()


def open_stored(file) -> Image.Image:
    return Image.open(io.BytesIO(stored_bytes(file)))


@pytest.mark.parametrize(
    ("photo", "message"),
    [
        pytest.param(
            upload(
                "face.svg",
                b'<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96">'
                b"<script>alert(1)</script></svg>",
                "image/svg+xml",
            ),
            NOT_AN_IMAGE,
            id="svg",
        ),
        pytest.param(
            upload("face.jpg", b"<!DOCTYPE html><html><body><script>alert(1)</script></html>"),
            NOT_AN_IMAGE,
            id="html-renamed-jpg",
        ),
        pytest.param(upload("face.gif", image_bytes("GIF"), "image/gif"), NOT_AN_IMAGE, id="gif"),
        pytest.param(
            upload("face.png", image_bytes("GIF"), "image/png"), NOT_AN_IMAGE, id="gif-renamed-png"
        ),
        pytest.param(upload("face.jpg", noise_jpeg()[:3000]), DAMAGED, id="truncated-jpeg"),
        pytest.param(upload("face.jpg", b""), "The submitted file is empty.", id="zero-bytes"),
        # Pillow itself refuses more than twice Image.MAX_IMAGE_PIXELS (DecompressionBombError),
        # warns above it (DecompressionBombWarning), and the setting's limit is lower still.
        pytest.param(upload("bomb.png", png_claiming(20_000, 20_000)), TOO_MANY_PIXELS, id="bomb"),
        pytest.param(
            upload("bomb.png", png_claiming(10_000, 10_000)), TOO_MANY_PIXELS, id="bomb-warned"
        ),
        pytest.param(
            upload("big.png", png_claiming(8_000, 6_000)), TOO_MANY_PIXELS, id="48-megapixels"
        ),
    ],
)
def test_photo_upload_that_is_not_an_accepted_image_is_a_form_error(photo, message, media_root):
    form = SpeakerPhotoForm(data={"name": "Ada Lovelace"}, files={"photo": photo})
    assert form.errors == {"photo": [message]}
    assert stored_files(media_root) == []


def test_photo_upload_larger_than_the_default_limit_is_a_form_error(media_root):
    # filesizeformat puts a no-break space (\xa0) between number and unit.
    photo = upload("face.png", padded_png(11 * 1024 * 1024), "image/png")
    form = SpeakerPhotoForm(data={"name": "Ada Lovelace"}, files={"photo": photo})
    assert form.errors == {
        "photo": ["The photo is 11.0\xa0MB; the largest accepted is 10.0\xa0MB."]
    }


def test_photo_upload_larger_than_max_photo_bytes_is_a_form_error(settings, media_root):
    settings.MAX_PHOTO_BYTES = 1024
    photo = upload("face.png", padded_png(2048), "image/png")
    form = SpeakerPhotoForm(data={"name": "Ada Lovelace"}, files={"photo": photo})
    assert form.errors == {"photo": ["The photo is 2.0\xa0KB; the largest accepted is 1.0\xa0KB."]}


def test_photo_upload_over_max_photo_pixels_is_a_form_error(settings, media_root):
    settings.MAX_PHOTO_PIXELS = 2_500_000
    photo = upload("face.png", png_claiming(2_000, 1_500), "image/png")
    form = SpeakerPhotoForm(data={"name": "Ada Lovelace"}, files={"photo": photo})
    assert form.errors == {
        "photo": ["The image has more than 2.5 megapixels; scale it down and upload it again."]
    }


def test_photo_decompression_bomb_emits_no_warning(media_root):
    photo = upload("bomb.png", png_claiming(10_000, 10_000))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        form = SpeakerPhotoForm(data={"name": "Ada Lovelace"}, files={"photo": photo})
        assert form.errors == {"photo": [TOO_MANY_PIXELS]}
    assert caught == []


def test_photo_field_offers_only_accepted_types():
    form = SpeakerPhotoForm()
    assert form.fields["photo"].widget.attrs == {"accept": "image/jpeg,image/png,image/webp"}


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP"])
def test_photo_upload_is_stored_as_jpeg_with_a_thumbnail(image_format, media_root):
    speaker = saved_speaker(upload("ada-lovelace.img", image_bytes(image_format), "image/jpeg"))
    stem = STORED_NAME.fullmatch(speaker.photo.name)["stem"]
    assert speaker.photo_thumbnail.name == f"speakers/thumbnails/{stem}.jpg"
    assert stored_files(media_root) == [speaker.photo.name, speaker.photo_thumbnail.name]
    photo = open_stored(speaker.photo)
    assert (photo.format, photo.size) == ("JPEG", (64, 48))
    thumbnail = open_stored(speaker.photo_thumbnail)
    assert (thumbnail.format, thumbnail.size) == ("JPEG", (192, 192))


def test_photo_upload_is_resized_to_800_pixels_on_its_longer_side(media_root):
    speaker = saved_speaker(upload("face.png", image_bytes("PNG", size=(2000, 1000)), "image/png"))
    assert open_stored(speaker.photo).size == (800, 400)
    assert open_stored(speaker.photo_thumbnail).size == (192, 192)


def test_photo_upload_is_stored_without_metadata_and_upright(media_root):
    exif = Image.Exif()
    exif[0x010F] = "Phone maker"  # Make
    exif[0x0112] = 6  # Orientation: the camera was turned, rotate 90° clockwise to show
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 26.0), 3: "W", 4: (0.0, 7.0, 39.0)}  # GPSInfo
    data = image_bytes(
        "JPEG",
        size=(1600, 1200),
        exif=exif,
        comment=b"home address",
        icc_profile=ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes(),
    )
    uploaded = Image.open(io.BytesIO(data))
    assert (dict(uploaded.getexif().get_ifd(0x8825)), uploaded.info["comment"]) == (
        {1: "N", 2: (51.0, 30.0, 26.0), 3: "W", 4: (0.0, 7.0, 39.0)},
        b"home address",
    )

    speaker = saved_speaker(upload("face.jpg", data))
    for file in (speaker.photo, speaker.photo_thumbnail):
        stored = open_stored(file)
        assert dict(stored.getexif()) == {}
        assert sorted(stored.info) == ["jfif", "jfif_density", "jfif_unit", "jfif_version"]
        content = stored_bytes(file)
        assert [
            text for text in (b"Exif", b"Phone maker", b"home address") if text in content
        ] == []
    assert open_stored(speaker.photo).size == (600, 800)


def test_photo_upload_with_transparency_is_stored_on_white(media_root):
    data = image_bytes("PNG", size=(40, 40), mode="RGBA", color=(255, 0, 0, 0))
    speaker = saved_speaker(upload("logo.png", data, "image/png"))
    assert open_stored(speaker.photo).getpixel((20, 20)) == (255, 255, 255)


def test_photo_upload_with_an_unusable_colour_profile_is_stored_without_it(media_root):
    data = image_bytes("JPEG", color=(200, 30, 30), quality=95, icc_profile=b"not a profile" * 20)
    speaker = saved_speaker(upload("face.jpg", data))
    stored = open_stored(speaker.photo)
    assert "icc_profile" not in stored.info
    # JPEG is lossy: the colour comes back within a few levels.
    red, green, blue = stored.getpixel((32, 24))
    assert max(abs(red - 200), abs(green - 30), abs(blue - 30)) <= 3


def test_photo_saved_through_the_field_file_is_processed(media_root):
    speaker = SpeakerFactory()
    speaker.photo.save("binxu.png", ContentFile(image_bytes("PNG", size=(1000, 500))))
    speaker.refresh_from_db()
    assert STORED_NAME.fullmatch(speaker.photo.name)
    assert open_stored(speaker.photo).size == (800, 400)
    assert open_stored(speaker.photo_thumbnail).size == (192, 192)


def test_photo_saved_through_the_field_file_must_be_an_image(media_root):
    speaker = SpeakerFactory()
    with pytest.raises(ValidationError) as error:
        speaker.photo.save("face.svg", ContentFile(b"<svg></svg>"))
    assert error.value.messages == [NOT_AN_IMAGE]
    speaker.refresh_from_db()
    assert (speaker.photo.name, speaker.photo_thumbnail.name) == ("", "")
    assert stored_files(media_root) == []


def test_photo_cleared_clears_the_thumbnail(media_root):
    speaker = SpeakerFactory()
    speaker.photo.save("face.png", ContentFile(image_bytes("PNG")))
    speaker.photo = ""
    speaker.save()
    speaker.refresh_from_db()
    assert (speaker.photo.name, speaker.photo_thumbnail.name) == ("", "")


def speaker_form_data(speaker=None, **overrides):
    data = {
        "name": speaker.name if speaker else "New Speaker",
        "slug": speaker.slug if speaker else "",
        "affiliation": "",
        "position": "",
        "bio": "",
        "homepage": "",
        "email": "",
        # The version the form was opened at (a stale one is refused).
        "loaded_version": latest_version_id(speaker) if speaker else "",
    }
    return {**data, **overrides}


def speaker_with_photo() -> Speaker:
    speaker = SpeakerFactory(affiliation=None)
    speaker.photo.save("old.png", ContentFile(image_bytes("PNG")))
    return speaker


def test_admin_speaker_add_with_a_photo_that_is_not_an_image_shows_the_error(
    staff_client, media_root
):
    response = staff_client.post(
        reverse("admin:speakers_speaker_add"),
        speaker_form_data(photo=upload("face.jpg", b"<html><body>not a photo</body></html>")),
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"photo": [NOT_AN_IMAGE]}
    assert NOT_AN_IMAGE in response.content.decode()
    assert Speaker.objects.count() == 0
    assert stored_files(media_root) == []


def test_admin_speaker_add_with_a_photo_stores_it_processed(staff_client, media_root):
    response = staff_client.post(
        reverse("admin:speakers_speaker_add"),
        speaker_form_data(photo=upload("face.webp", image_bytes("WEBP", size=(1200, 900)))),
    )
    assert response.status_code == 302
    speaker = Speaker.objects.get()
    assert STORED_NAME.fullmatch(speaker.photo.name)
    assert stored_files(media_root) == [speaker.photo.name, speaker.photo_thumbnail.name]
    assert open_stored(speaker.photo).size == (800, 600)


def test_admin_speaker_add_with_a_photo_uploaded_to_a_temporary_file_stores_it(
    staff_client, media_root, settings
):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024  # larger uploads go to a temporary file
    data = noise_jpeg((300, 200))
    assert len(data) > 1024
    response = staff_client.post(
        reverse("admin:speakers_speaker_add"), speaker_form_data(photo=upload("face.jpg", data))
    )
    assert response.status_code == 302
    assert open_stored(Speaker.objects.get().photo).size == (300, 200)


def test_admin_speaker_photo_replaced_deletes_the_old_files(
    staff_client, media_root, django_capture_on_commit_callbacks
):
    speaker = speaker_with_photo()
    old_files = [speaker.photo.name, speaker.photo_thumbnail.name]
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("admin:speakers_speaker_change", args=[speaker.pk]),
            speaker_form_data(speaker, photo=upload("new.jpg", image_bytes("JPEG"))),
        )
    assert response.status_code == 302
    speaker.refresh_from_db()
    assert speaker.photo.name not in old_files
    assert stored_files(media_root) == [speaker.photo.name, speaker.photo_thumbnail.name]


def test_admin_speaker_photo_cleared_deletes_its_files(
    staff_client, media_root, django_capture_on_commit_callbacks
):
    speaker = speaker_with_photo()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("admin:speakers_speaker_change", args=[speaker.pk]),
            speaker_form_data(speaker, **{"photo-clear": "on"}),
        )
    assert response.status_code == 302
    speaker.refresh_from_db()
    assert (speaker.photo.name, speaker.photo_thumbnail.name) == ("", "")
    assert stored_files(media_root) == []


def test_admin_speaker_photo_refused_keeps_the_old_files(
    staff_client, media_root, django_capture_on_commit_callbacks
):
    speaker = speaker_with_photo()
    old_files = [speaker.photo.name, speaker.photo_thumbnail.name]
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("admin:speakers_speaker_change", args=[speaker.pk]),
            speaker_form_data(speaker, photo=upload("face.jpg", b"")),
        )
    assert response.context["adminform"].form.errors == {"photo": ["The submitted file is empty."]}
    speaker.refresh_from_db()
    assert [speaker.photo.name, speaker.photo_thumbnail.name] == old_files
    assert stored_files(media_root) == old_files


def test_admin_speaker_edited_without_a_new_photo_keeps_its_files(
    staff_client, media_root, django_capture_on_commit_callbacks
):
    speaker = speaker_with_photo()
    old_files = [speaker.photo.name, speaker.photo_thumbnail.name]
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("admin:speakers_speaker_change", args=[speaker.pk]),
            speaker_form_data(speaker, position="Professor"),
        )
    assert response.status_code == 302
    speaker.refresh_from_db()
    assert (speaker.position, [speaker.photo.name, speaker.photo_thumbnail.name]) == (
        "Professor",
        old_files,
    )
    assert stored_files(media_root) == old_files


def test_admin_speaker_deleted_deletes_its_photo_files(
    staff_client, media_root, django_capture_on_commit_callbacks
):
    speaker = speaker_with_photo()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("admin:speakers_speaker_delete", args=[speaker.pk]), {"post": "yes"}
        )
    assert response.status_code == 302
    assert Speaker.objects.count() == 0
    assert stored_files(media_root) == []


def test_admin_speakers_deleted_by_the_action_delete_their_photo_files(
    staff_client, media_root, django_capture_on_commit_callbacks
):
    speakers = [speaker_with_photo(), speaker_with_photo()]
    kept = speaker_with_photo()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("admin:speakers_speaker_changelist"),
            {
                "action": "delete_selected",
                "_selected_action": [speaker.pk for speaker in speakers],
                "post": "yes",
            },
        )
    assert response.status_code == 302
    assert list(Speaker.objects.all()) == [kept]
    assert stored_files(media_root) == sorted([kept.photo.name, kept.photo_thumbnail.name])


def test_delete_photo_files_keeps_a_file_another_speaker_uses(
    media_root, django_capture_on_commit_callbacks
):
    speaker = speaker_with_photo()
    files = [speaker.photo.name, speaker.photo_thumbnail.name]
    SpeakerFactory(photo=speaker.photo.name)
    Speaker.objects.filter(pk=speaker.pk).update(photo="", photo_thumbnail="")
    with django_capture_on_commit_callbacks(execute=True):
        delete_photo_files(files)
    assert stored_files(media_root) == [speaker.photo.name]


def test_delete_photo_files_waits_for_the_commit(media_root, django_capture_on_commit_callbacks):
    speaker = speaker_with_photo()
    with django_capture_on_commit_callbacks() as callbacks:
        delete_photo_files(speaker.photo_files())
    assert (len(callbacks), len(stored_files(media_root))) == (1, 2)


def test_talk_page_shows_the_photo_of_a_speaker_without_a_thumbnail(client, media_root):
    speaker = SpeakerFactory(name="Grace Hopper", photo="speakers/before-thumbnails.jpg")
    talk = TalkFactory(speakers=[speaker])
    content = client.get(talk.get_absolute_url()).content.decode()
    assert (
        '<img class="speaker-card__photo" src="/media/speakers/before-thumbnails.jpg" '
        'alt="Grace Hopper" width="96" height="96" loading="lazy">'
    ) in content
