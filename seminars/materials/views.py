"""Serve an uploaded material of a public talk as a PDF download, never as a page."""

from django.http import FileResponse, Http404
from django.views import View

from seminars.models import Material, Talk


class MaterialFileView(View):
    """Serve /talks/<slug>/materials/<pk>/: the PDF of a public talk's material.

    The stored file keeps the bytes that were uploaded (a PDF may carry JavaScript), so it is
    sent as application/pdf that browsers may not sniff into anything else, as an attachment
    named after the talk, not the uploader's file name. A draft's material is a 404 for
    everyone, staff included.
    """

    def get(self, request, slug: str, pk: int):
        material = (
            Material.objects.filter(pk=pk, talk__slug=slug, talk__in=Talk.objects.public())
            .exclude(file="")
            .first()
        )
        if material is None:
            raise Http404("No such material.")
        try:
            handle = material.file.open("rb")
        except FileNotFoundError as error:
            raise Http404("No such material.") from error
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=f"{slug}-{material.kind}.pdf",
            content_type="application/pdf",
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "sandbox"
        response["Cache-Control"] = "public, max-age=3600"
        return response
