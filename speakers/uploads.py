"""The checks every upload gets before its content is read: not empty, not over its limit."""

from django.core.exceptions import ValidationError
from django.core.files import File
from django.template.defaultfilters import filesizeformat

EMPTY_MESSAGE = "The submitted file is empty."


def validate_upload_size(upload: File, limit: int, too_large_message: str, code: str) -> None:
    """Refuse an empty upload (code "empty"), or one larger than `limit` bytes with
    `too_large_message`, which names the upload's %(size)s and the %(limit)s, and `code`."""
    if not upload.size:
        raise ValidationError(EMPTY_MESSAGE, code="empty")
    if upload.size > limit:
        raise ValidationError(
            too_large_message,
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code=code,
        )
