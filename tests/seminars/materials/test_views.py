"""Uploading a talk's PDF in the admin, and serving it to the public."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from seminars.models import Material, Talk
from tests.factories import TalkFactory
from tests.seminars.test_admin import talk_form_data

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# A PDF whose document script opens an alert: kept as uploaded, never served as a page.
PDF_WITH_SCRIPT = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/OpenAction<</S/JavaScript/JS(app.alert(1))>>>>endobj\n"
    b"<html><script>alert(1)</script></html>\ntrailer<</Root 1 0 R>>\n%%EOF"
)


def upload(client, talk, content, name="slides.pdf", **extra):
    """Post the talk's admin form with one new material holding `content`."""
    data = talk_form_data(
        talk.series,
        title=talk.title,
        slug=talk.slug,
        status=talk.status,
        loaded_edit_version=talk.edit_version,
        **{
            "materials-TOTAL_FORMS": "1",
            "materials-0-kind": "slides",
            "materials-0-url": "",
            "materials-0-order": "0",
            "materials-0-file": SimpleUploadedFile(name, content, "application/pdf"),
            **extra,
        },
    )
    return client.post(reverse("admin:seminars_talk_change", args=[talk.pk]), data)


def form_errors(response) -> list[str]:
    return [
        str(error)
        for formset in response.context["inline_admin_formsets"]
        for form_errors in formset.formset.errors
        for errors in form_errors.values()
        for error in errors
    ]


def test_uploaded_pdf_is_stored_under_a_random_name_and_served_as_a_download(
    staff_client, client, media_root, django_capture_on_commit_callbacks
):
    talk = TalkFactory(title="Engines", slug="engines")

    with django_capture_on_commit_callbacks(execute=True):
        response = upload(staff_client, talk, PDF, name="My <talk>.pdf")

    assert response.status_code == 302
    material = Material.objects.get()
    assert material.file.name.startswith("materials/")
    assert "talk" not in material.file.name
    assert (material.size, len(material.file.name)) == (len(PDF), len("materials/") + 32 + 4)
    served = client.get(f"/talks/engines/materials/{material.pk}/")
    assert served.status_code == 200
    assert {
        name: served[name]
        for name in ("Content-Type", "X-Content-Type-Options", "Content-Disposition")
    } == {
        "Content-Type": "application/pdf",
        "X-Content-Type-Options": "nosniff",
        "Content-Disposition": 'attachment; filename="engines-slides.pdf"',
    }
    assert b"".join(served.streaming_content) == PDF
    served.close()


def test_pdf_with_javascript_is_kept_as_uploaded_but_never_served_inline(
    staff_client, client, media_root
):
    talk = TalkFactory(slug="engines")

    upload(staff_client, talk, PDF_WITH_SCRIPT)

    material = Material.objects.get()
    served = client.get(material.get_absolute_url())
    assert b"".join(served.streaming_content) == PDF_WITH_SCRIPT
    served.close()
    assert (served["Content-Type"], served["Content-Disposition"].split(";")[0]) == (
        "application/pdf",
        "attachment",
    )
    assert served["Content-Security-Policy"] == "sandbox"


def test_web_page_renamed_pdf_is_refused(staff_client, media_root):
    talk = TalkFactory()

    response = upload(staff_client, talk, b"<html><script>alert(1)</script></html>")

    assert response.status_code == 200
    assert form_errors(response) == [
        "This file is not a PDF; export the slides as PDF and upload that."
    ]
    assert Material.objects.count() == 0
    assert not (media_root / "materials").exists()


def test_oversized_pdf_is_refused(staff_client, media_root, settings):
    settings.MAX_MATERIAL_BYTES = 100
    talk = TalkFactory()

    response = upload(staff_client, talk, PDF + b"%" * 100)

    assert form_errors(response) == [
        "The file is 145\xa0bytes; the largest accepted is 100\xa0bytes."
    ]
    assert Material.objects.count() == 0


def test_material_of_a_draft_is_never_served(staff_client, client, media_root):
    talk = TalkFactory(slug="engines")
    upload(staff_client, talk, PDF)
    material = Material.objects.get()
    Talk.objects.filter(pk=talk.pk).update(status=Talk.Status.DRAFT)

    assert client.get(material.get_absolute_url()).status_code == 404
    assert staff_client.get(material.get_absolute_url()).status_code == 404
    assert client.get(f"/media/{material.file.name}").status_code == 404


def test_material_url_of_another_talk_or_a_link_is_a_404(client, media_root):
    talk = TalkFactory(slug="engines")
    TalkFactory(slug="other")
    link = Material.objects.create(talk=talk, kind="recording", url="https://example.org/v")

    assert client.get(f"/talks/other/materials/{link.pk}/").status_code == 404
    assert client.get(f"/talks/engines/materials/{link.pk}/").status_code == 404
    assert client.get("/talks/engines/materials/999/").status_code == 404


def test_replacing_or_deleting_a_file_removes_the_old_one(
    staff_client, media_root, django_capture_on_commit_callbacks
):
    talk = TalkFactory()
    with django_capture_on_commit_callbacks(execute=True):
        upload(staff_client, talk, PDF)
    first = Material.objects.get()
    old_path = media_root / first.file.name
    talk.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        response = upload(
            staff_client,
            talk,
            PDF,
            **{
                "materials-TOTAL_FORMS": "1",
                "materials-INITIAL_FORMS": "1",
                "materials-0-id": str(first.pk),
                "materials-0-talk": str(talk.pk),
            },
        )

    assert response.status_code == 302
    replaced = Material.objects.get()
    assert (old_path.exists(), (media_root / replaced.file.name).exists()) == (False, True)

    # Only a draft may be deleted (a public talk is cancelled instead).
    Talk.objects.filter(pk=talk.pk).update(status=Talk.Status.DRAFT)
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("admin:seminars_talk_delete", args=[talk.pk]), {"post": "yes"})

    assert Talk.objects.count() == 0
    assert list((media_root / "materials").iterdir()) == []


def test_admin_links_the_stored_pdf_of_a_draft_to_a_download_that_works(staff_client, media_root):
    talk = TalkFactory(slug="engines", status=Talk.Status.DRAFT)
    upload(staff_client, talk, PDF)
    material = Material.objects.get()

    form = staff_client.get(reverse("admin:seminars_talk_change", args=[talk.pk]))
    links = re.findall(r'Currently: <a href="([^"]+)">', form.content.decode())
    assert links == [f"/admin/seminars/talk/{talk.pk}/materials/{material.pk}/"]
    served = staff_client.get(links[0])
    assert Client().get(links[0]).status_code == 302  # to the admin login
    assert staff_client.get(f"/admin/seminars/talk/{talk.pk}/materials/999/").status_code == 404
    assert staff_client.get("/admin/seminars/talk/junk/materials/1/").status_code == 404
    assert served["Content-Type"] == "application/pdf"
    assert {"private", "no-store"} <= set(served["Cache-Control"].split(", "))
    assert served["Content-Disposition"] == 'attachment; filename="engines-slides.pdf"'
    # Last: closing a streamed response ends the request, which closes the connection.
    assert b"".join(served.streaming_content) == PDF
    served.close()
