"""Serve an uploaded material as a PDF download, never as a page: to the public while its talk
is public, and to the talk's organisers in the admin whatever the talk's state."""

from django.http import FileResponse, Http404
from django.views import View

from seminars.models import Material, Talk


def pdf_download(material: Material, cache_control: str) -> FileResponse:
    """Return the material's stored file as an attachment named after its talk.

    The stored file keeps the bytes that were uploaded (a PDF may carry JavaScript), so it is
    sent as application/pdf that browsers may not sniff into anything else, in a sandbox.
    """
    try:
        handle = material.file.open("rb")
    except FileNotFoundError as error:
        raise Http404("No such material.") from error
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{material.talk.slug}-{material.kind}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = cache_control
    return response


class MaterialFileView(View):
    """Serve /talks/<slug>/materials/<pk>/: the PDF of a public talk's material. A draft's
    material is a 404 here for everyone, staff included (the admin has its own link)."""

    def get(self, request, slug: str, pk: int):
        material = (
            Material.objects.filter(pk=pk, talk__slug=slug, talk__in=Talk.objects.public())
            .exclude(file="")
            .select_related("talk")
            .first()
        )
        if material is None:
            raise Http404("No such material.")
        return pdf_download(material, "public, max-age=3600")
