"""Who may come to a talk, and its materials: the slides and recording links of talks move
into materials (one of each kind at most), and back when reversed."""

import django.db.models.deletion
import seminars.models
import speakers.fields
from django.db import migrations, models

LINK_FIELDS = {"slides": "slides_url", "recording": "recording_url"}


def links_to_materials(apps, schema_editor):
    Talk = apps.get_model("seminars", "Talk")
    Material = apps.get_model("seminars", "Material")
    for order, (kind, field) in enumerate(LINK_FIELDS.items()):
        Material.objects.bulk_create(
            Material(talk_id=talk_id, kind=kind, url=url, order=order)
            for talk_id, url in Talk.objects.exclude(**{field: ""}).values_list("pk", field)
        )


def materials_to_links(apps, schema_editor):
    Talk = apps.get_model("seminars", "Talk")
    Material = apps.get_model("seminars", "Material")
    for kind, field in LINK_FIELDS.items():
        links = Material.objects.filter(kind=kind).exclude(url="").order_by("-order", "-pk")
        # The first link of each talk wins: later rows are written first and overwritten.
        for talk_id, url in links.values_list("talk_id", "url"):
            Talk.objects.filter(pk=talk_id).update(**{field: url})


class Migration(migrations.Migration):
    dependencies = [
        ("seminars", "0021_organisers_add_venues"),
    ]

    operations = [
        migrations.AddField(
            model_name="talk",
            name="audience",
            field=models.CharField(
                choices=[
                    ("open", "Open to all"),
                    ("members", "Members of the institution"),
                    ("invitation", "By invitation"),
                ],
                default="open",
                max_length=10,
                verbose_name="who may come",
            ),
        ),
        migrations.AddField(
            model_name="talk",
            name="registration_required",
            field=models.BooleanField(
                default=False, help_text="Guests must register before they come."
            ),
        ),
        migrations.AddField(
            model_name="talk",
            name="registration_url",
            field=speakers.fields.HttpsURLField(blank=True, verbose_name="registration link"),
        ),
        migrations.CreateModel(
            name="Material",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("recording", "Recording"),
                            ("slides", "Slides"),
                            ("paper", "Paper"),
                            ("code", "Code"),
                        ],
                        max_length=10,
                    ),
                ),
                ("url", speakers.fields.HttpsURLField(blank=True, verbose_name="link")),
                (
                    "file",
                    models.FileField(
                        blank=True,
                        help_text="Slides or paper as a PDF, instead of a link.",
                        max_length=200,
                        upload_to=seminars.models.material_file_name,
                        verbose_name="PDF file",
                    ),
                ),
                ("size", models.PositiveBigIntegerField(blank=True, editable=False, null=True)),
                ("order", models.PositiveSmallIntegerField(default=0)),
                (
                    "talk",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="materials",
                        to="seminars.talk",
                    ),
                ),
            ],
            options={
                "ordering": ["order", "pk"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("url", ""), models.Q(("file", ""), _negated=True)),
                            models.Q(models.Q(("url", ""), _negated=True), ("file", "")),
                            _connector="OR",
                        ),
                        name="material_link_or_file",
                        violation_error_message="Give either a link or a PDF file.",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("file", ""), ("kind__in", ("slides", "paper")), _connector="OR"
                        ),
                        name="material_file_only_slides_or_paper",
                        violation_error_message="Only slides and papers may be uploaded; give a link for the others.",
                    ),
                ],
            },
        ),
        migrations.RunPython(links_to_materials, materials_to_links),
        migrations.RemoveField(
            model_name="talk",
            name="recording_url",
        ),
        migrations.RemoveField(
            model_name="talk",
            name="slides_url",
        ),
    ]
