"""The full-text index over ``library_searchdocument``, per database vendor.

SQLite: an FTS5 table with the search document as its external content, kept in step by triggers
(any insert, update or delete of a search document, including cascades, reaches the index).
PostgreSQL: a generated ``tsvector`` column (titles weighted A, the rest B) with a GIN index.
The terms are already normalised and stemmed by the Arabic engine, so both use plain tokenising
(``unicode61`` / the ``simple`` configuration).
"""

from django.db import migrations

SQLITE_CREATE = [
    "CREATE VIRTUAL TABLE library_fts USING fts5("
    "title_terms, body_terms, content='library_searchdocument', content_rowid='resource_id',"
    " tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER library_fts_insert AFTER INSERT ON library_searchdocument BEGIN"
    " INSERT INTO library_fts(rowid, title_terms, body_terms)"
    " VALUES (new.resource_id, new.title_terms, new.body_terms); END",
    "CREATE TRIGGER library_fts_delete AFTER DELETE ON library_searchdocument BEGIN"
    " INSERT INTO library_fts(library_fts, rowid, title_terms, body_terms)"
    " VALUES ('delete', old.resource_id, old.title_terms, old.body_terms); END",
    "CREATE TRIGGER library_fts_update AFTER UPDATE ON library_searchdocument BEGIN"
    " INSERT INTO library_fts(library_fts, rowid, title_terms, body_terms)"
    " VALUES ('delete', old.resource_id, old.title_terms, old.body_terms);"
    " INSERT INTO library_fts(rowid, title_terms, body_terms)"
    " VALUES (new.resource_id, new.title_terms, new.body_terms); END",
    "INSERT INTO library_fts(library_fts) VALUES ('rebuild')",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS library_fts_insert",
    "DROP TRIGGER IF EXISTS library_fts_delete",
    "DROP TRIGGER IF EXISTS library_fts_update",
    "DROP TABLE IF EXISTS library_fts",
]
POSTGRES_CREATE = [
    "ALTER TABLE library_searchdocument ADD COLUMN vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple'::regconfig, title_terms), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, body_terms), 'B')) STORED",
    "CREATE INDEX library_searchdocument_vector ON library_searchdocument USING GIN (vector)",
]
POSTGRES_DROP = [
    "DROP INDEX IF EXISTS library_searchdocument_vector",
    "ALTER TABLE library_searchdocument DROP COLUMN IF EXISTS vector",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("library", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_CREATE, "postgresql": POSTGRES_CREATE}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        )
    ]
