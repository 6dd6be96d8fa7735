from django.db import migrations, models

# PostgreSQL only: the weighted full-text document of each talk, kept by the database itself
# (a stored generated column, so every write path keeps it right, bulk ones too) and indexed,
# so that search neither scans nor re-parses every abstract. seminars/search.py reads it.
# Other databases search with LIKE and need neither.
SEARCH_DOCUMENT = """
ALTER TABLE seminars_talk ADD COLUMN search_document tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english'::regconfig, COALESCE(title, '')), 'A')
    || setweight(to_tsvector('english'::regconfig, COALESCE(abstract, '')), 'B')
) STORED;
CREATE INDEX talk_search_document ON seminars_talk USING gin (search_document);
"""
DROP_SEARCH_DOCUMENT = "ALTER TABLE seminars_talk DROP COLUMN IF EXISTS search_document;"


def add_search_document(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SEARCH_DOCUMENT)


def drop_search_document(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SEARCH_DOCUMENT)


class Migration(migrations.Migration):
    dependencies = [
        ("seminars", "0009_seminar_organisers_group"),
        ("speakers", "0002_speaker_photo_thumbnail"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="talk",
            index=models.Index(fields=["start", "id"], name="talk_start"),
        ),
        migrations.AddIndex(
            model_name="talk",
            index=models.Index(fields=["end"], name="talk_end"),
        ),
        migrations.RunPython(add_search_document, drop_search_document),
    ]
