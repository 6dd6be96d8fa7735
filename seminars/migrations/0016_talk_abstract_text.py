from django.db import migrations, models

from speakers.markdown import markdown_to_text


def fill_abstract_texts(apps, schema_editor):
    Talk = apps.get_model("seminars", "Talk")
    talks = list(Talk.objects.only("pk", "abstract"))
    for talk in talks:
        talk.abstract_text = markdown_to_text(talk.abstract)
    Talk.objects.bulk_update(talks, ["abstract_text"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("seminars", "0015_series_eventtype_updated"),
    ]

    operations = [
        migrations.AddField(
            model_name="talk",
            name="abstract_text",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(fill_abstract_texts, migrations.RunPython.noop),
    ]
