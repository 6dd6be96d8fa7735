"""Word search everywhere: SQLite gets an FTS5 index of talks; PostgreSQL's document folds
accents (unaccent) as FTS5 does, so the same words find the same talks on both."""

from django.db import migrations

from seminars.pages.search import install_sqlite_search

POSTGRESQL_SEARCH = """
CREATE EXTENSION IF NOT EXISTS unaccent;
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'seminars_english') THEN
        CREATE TEXT SEARCH CONFIGURATION seminars_english (COPY = english);
        ALTER TEXT SEARCH CONFIGURATION seminars_english
            ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;
    END IF;
END $$;
"""
DOCUMENT = """
ALTER TABLE seminars_talk DROP COLUMN IF EXISTS search_document;
ALTER TABLE seminars_talk ADD COLUMN search_document tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('{config}'::regconfig, COALESCE(title, '')), 'A')
    || setweight(to_tsvector('{config}'::regconfig, COALESCE(abstract, '')), 'B')
) STORED;
CREATE INDEX talk_search_document ON seminars_talk USING gin (search_document);
"""
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS seminars_talk_fts_insert",
    "DROP TRIGGER IF EXISTS seminars_talk_fts_delete",
    "DROP TRIGGER IF EXISTS seminars_talk_fts_update",
    "DROP TABLE IF EXISTS seminars_talk_fts",
]


def add_word_search(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_SEARCH)
        schema_editor.execute(DOCUMENT.format(config="seminars_english"))
    install_sqlite_search(connection)


def remove_word_search(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        schema_editor.execute(DOCUMENT.format(config="english"))
    if connection.vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("seminars", "0024_told_states_name_venues")]

    operations = [migrations.RunPython(add_word_search, remove_word_search)]
