"""Check uploaded speaker photos and re-encode them for the site (pure functions, no database)."""

import io
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from PIL import Image, ImageCms, ImageOps

from speakers.uploads import validate_upload_size

# Pillow only tries these decoders, so the file's content decides, never its name or the
# browser's content type. A camera JPEG with extra pictures in it opens as "MPO" (a JPEG too).
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
ACCEPTED_TYPES = "image/jpeg,image/png,image/webp"
PHOTO_SIZE = 800  # longest side of the stored photo, in pixels
THUMBNAIL_SIZE = 192  # square thumbnail: the 96 px speaker cards on 2x screens
JPEG_QUALITY = 85
# Portraits put the face above the middle: a square crop keeps more of the top than the bottom.
THUMBNAIL_CENTERING = (0.5, 0.35)

SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def validate_photo_size(photo: File) -> None:
    """Refuse an empty photo, or one larger than settings.MAX_PHOTO_BYTES."""
    validate_upload_size(
        photo,
        settings.MAX_PHOTO_BYTES,
        "The photo is %(size)s; the largest accepted is %(limit)s.",
        code="photo_too_large",
    )


def too_many_pixels() -> ValidationError:
    """Return the error for an image larger than settings.MAX_PHOTO_PIXELS."""
    return ValidationError(
        "The image has more than %(limit)s megapixels; scale it down and upload it again.",
        params={"limit": f"{settings.MAX_PHOTO_PIXELS / 1_000_000:g}"},
        code="photo_too_many_pixels",
    )


def open_photo(photo: File) -> Image.Image:
    """Return the decoded image of `photo`, turned upright as its EXIF orientation says.

    Raise ValidationError, with a message for the upload form, unless `photo` is a complete
    JPEG, PNG or WebP image within settings.MAX_PHOTO_BYTES and settings.MAX_PHOTO_PIXELS.
    """
    validate_photo_size(photo)
    try:
        # Pillow warns (DecompressionBombWarning) above Image.MAX_IMAGE_PIXELS and raises above
        # twice that; made an error, the warning is refused below instead of reaching the logs.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            photo.seek(0)
            try:
                image = Image.open(photo, formats=ACCEPTED_FORMATS)
            except Image.UnidentifiedImageError as error:
                raise ValidationError(
                    "This file is not a JPEG, PNG or WebP image.", code="photo_format"
                ) from error
            # Image.open() has read only the header: refuse a huge image before decoding it.
            if image.width * image.height > settings.MAX_PHOTO_PIXELS:
                raise too_many_pixels()
            image.verify()
            # verify() leaves the image unusable, and does not spot a truncated JPEG: load a
            # fresh copy in full. Django's ImageField skips load() as a denial-of-service risk
            # (Django tickets #3848, #18520); the pixel limit above bounds its cost here.
            photo.seek(0)
            image = Image.open(photo, formats=ACCEPTED_FORMATS)
            # A JPEG is decoded at the smallest scale (1/2, 1/4, 1/8) still larger than needed.
            image.draft("RGB", (PHOTO_SIZE, PHOTO_SIZE))
            image.load()
            return ImageOps.exif_transpose(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise too_many_pixels() from error
    except ValidationError:
        raise
    except Exception as error:
        # Damaged data makes Pillow raise OSError, SyntaxError, ValueError, struct.error and
        # more; Django's forms.ImageField catches Exception for the same reason.
        raise ValidationError(
            "The image is damaged or incomplete; upload a complete copy.", code="photo_damaged"
        ) from error


def validate_photo(photo: File) -> None:
    """Raise ValidationError unless `photo` is a complete JPEG, PNG or WebP image within limits."""
    open_photo(photo).close()


def to_srgb(image: Image.Image) -> Image.Image:
    """Return `image` as RGB, or RGBA if it has transparency, in the sRGB colour space.

    The stored photo carries no colour profile, and browsers show an image without one as
    sRGB: colours in another space (a phone's Display P3) are converted while the profile is
    at hand. A profile that cannot be used is ignored.
    """
    mode = "RGBA" if image.has_transparency_data else "RGB"
    profile = image.info.get("icc_profile")
    if profile:
        try:
            return ImageCms.profileToProfile(
                image, ImageCms.ImageCmsProfile(io.BytesIO(profile)), SRGB, outputMode=mode
            )
        except (OSError, ImageCms.PyCMSError):
            pass
    return image.convert(mode)


def to_jpeg(image: Image.Image) -> ContentFile:
    """Return `image` encoded as a JPEG without metadata, transparent parts made white."""
    # A new image starts with empty `info`: no EXIF (GPS, camera, orientation), ICC profile,
    # XMP or comment from the upload can be written out with it.
    canvas = Image.new("RGB", image.size, "white")
    canvas.paste(image, mask=image if image.mode == "RGBA" else None)
    buffer = io.BytesIO()
    canvas.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return ContentFile(buffer.getvalue())


def reencode_photo(photo: File) -> tuple[ContentFile, ContentFile]:
    """Return `photo` re-encoded for the site and its square thumbnail, both as JPEG.

    The photo is at most PHOTO_SIZE pixels on its longer side, the thumbnail THUMBNAIL_SIZE
    square; neither keeps any metadata of the upload. Raise ValidationError as open_photo().
    """
    image = to_srgb(open_photo(photo))
    image.thumbnail((PHOTO_SIZE, PHOTO_SIZE), Image.Resampling.LANCZOS)
    thumbnail = ImageOps.fit(
        image,
        (THUMBNAIL_SIZE, THUMBNAIL_SIZE),
        Image.Resampling.LANCZOS,
        centering=THUMBNAIL_CENTERING,
    )
    return to_jpeg(image), to_jpeg(thumbnail)
