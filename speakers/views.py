from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.db.models import Q
from django.http import FileResponse, Http404
from django.utils._os import safe_join

from speakers.models import Speaker

PHOTO_CONTENT_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
}


def may_serve(request, name: str) -> bool:
    """Whether `request` may have the photo stored as `name`: not a photo its speaker
    refused to publish, nor one a speaker proposed (staff review it in the admin)."""
    if request.user.is_staff:
        return True
    if name.startswith("speakers/proposed/"):
        return False
    refused = Speaker.objects.filter(photo_consent=False)
    return not refused.filter(Q(photo=name) | Q(photo_thumbnail=name)).exists()


def media_file(request, path: str):
    """Serve an uploaded speaker photo: only images under speakers/, with their own type.

    Uploads are re-encoded images, so nothing else should ever be there; anything else
    (a traversal, another extension) is a 404 rather than a file served as-is.
    """
    folder, _, name = path.partition("/")
    suffix = PurePosixPath(name).suffix.lower()
    if folder != "speakers" or suffix not in PHOTO_CONTENT_TYPES:
        raise Http404("No such file.")
    try:
        full_path = Path(safe_join(Path(settings.MEDIA_ROOT) / folder, name))
    except SuspiciousFileOperation as error:
        raise Http404("No such file.") from error
    if not full_path.is_file() or not may_serve(request, f"{folder}/{name}"):
        raise Http404("No such file.")
    response = FileResponse(full_path.open("rb"), content_type=PHOTO_CONTENT_TYPES[suffix])
    response["Cache-Control"] = "public, max-age=86400"
    return response
