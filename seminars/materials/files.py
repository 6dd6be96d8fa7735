"""Check uploaded PDFs by their content, and remove the files of replaced or deleted ones."""

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction

from seminars.models import Material
from speakers.uploads import validate_upload_size

# ISO 32000-1 §7.5.2: the header "%PDF-1.n" starts the file; readers accept it within the
# first 1024 bytes, and look for the "%%EOF" marker within the last 1024 (§7.5.5).
PDF_HEADER = b"%PDF-"
PDF_END = b"%%EOF"
SEARCHED_BYTES = 1024


def validate_pdf(upload: File) -> None:
    """Refuse an empty file, one larger than settings.MAX_MATERIAL_BYTES, or one whose
    content is not a PDF (whatever its name or the browser's content type say)."""
    validate_upload_size(
        upload,
        settings.MAX_MATERIAL_BYTES,
        "The file is %(size)s; the largest accepted is %(limit)s.",
        code="material_too_large",
    )
    upload.seek(0)
    head = upload.read(SEARCHED_BYTES)
    upload.seek(max(upload.size - SEARCHED_BYTES, 0))
    tail = upload.read(SEARCHED_BYTES)
    upload.seek(0)
    if PDF_HEADER not in head or PDF_END not in tail:
        raise ValidationError(
            "This file is not a PDF; export the slides as PDF and upload that.",
            code="material_not_pdf",
        )


def delete_material_files(names: Iterable[str]) -> None:
    """Delete the stored files `names` once the transaction commits, keeping any that a
    material still uses; call it after replacing, clearing or deleting materials."""
    names = set(names) - {""}
    if not names:
        return

    def delete() -> None:
        in_use = set(Material.objects.filter(file__in=names).values_list("file", flat=True))
        for name in names - in_use:
            default_storage.delete(name)

    # robust: a file that cannot be deleted is logged, not turned into an error for a change
    # that is already committed.
    transaction.on_commit(delete, robust=True)
