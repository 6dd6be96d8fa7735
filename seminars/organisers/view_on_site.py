"""The admin's "View on site" shortcut, scoped like the rest of the admin.

Django's shortcut (/admin/r/<content type>/<id>/) redirects any staff member to the page of
any object, so an organiser could read another series' draft slugs (which carry title words)
by trying ids. This one first asks the model's admin whether the user may see the object.
"""

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse


def scoped_shortcut(request: HttpRequest, content_type_id: int, object_id: str) -> HttpResponse:
    """Redirect to the object's page if the user may see it in the admin, else 404."""
    content_type = ContentType.objects.filter(pk=content_type_id).first()
    model = content_type.model_class() if content_type is not None else None
    model_admin = admin.site._registry.get(model)
    if model_admin is None or not model_admin.has_view_or_change_permission(request):
        raise Http404("No such object.")
    try:
        visible = model_admin.get_queryset(request).filter(pk=object_id).exists()
    except (ValueError, ValidationError):
        visible = False
    if not visible:
        raise Http404("No such object.")
    return shortcut(request, content_type_id, object_id)
