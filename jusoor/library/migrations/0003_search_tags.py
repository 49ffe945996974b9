"""Visibility and facet tags in the search document; on SQLite the FTS5 table indexes them too.

Adding the column makes Django rebuild the SQLite table, which drops its triggers, so the FTS5
table and its triggers are dropped first and made again (with the new column) after.
"""

from django.db import migrations, models

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS library_fts_insert",
    "DROP TRIGGER IF EXISTS library_fts_delete",
    "DROP TRIGGER IF EXISTS library_fts_update",
    "DROP TABLE IF EXISTS library_fts",
]
COLUMNS = "title_terms, body_terms, tags"
NEW = "new.title_terms, new.body_terms, new.tags"
OLD = "old.title_terms, old.body_terms, old.tags"
SQLITE_CREATE = [
    f"CREATE VIRTUAL TABLE library_fts USING fts5({COLUMNS}, content='library_searchdocument',"
    " content_rowid='resource_id', tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER library_fts_insert AFTER INSERT ON library_searchdocument BEGIN"
    f" INSERT INTO library_fts(rowid, {COLUMNS}) VALUES (new.resource_id, {NEW}); END",
    "CREATE TRIGGER library_fts_delete AFTER DELETE ON library_searchdocument BEGIN"
    f" INSERT INTO library_fts(library_fts, rowid, {COLUMNS})"
    f" VALUES ('delete', old.resource_id, {OLD}); END",
    "CREATE TRIGGER library_fts_update AFTER UPDATE ON library_searchdocument BEGIN"
    f" INSERT INTO library_fts(library_fts, rowid, {COLUMNS})"
    f" VALUES ('delete', old.resource_id, {OLD});"
    f" INSERT INTO library_fts(rowid, {COLUMNS}) VALUES (new.resource_id, {NEW}); END",
    "INSERT INTO library_fts(library_fts) VALUES ('rebuild')",
]
OLD_SQLITE_CREATE = [
    statement.replace(", tags", "").replace(", new.tags", "").replace(", old.tags", "")
    for statement in SQLITE_CREATE
]


def _sqlite(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("library", "0002_fulltext_index")]

    operations = [
        migrations.RunPython(_sqlite(SQLITE_DROP), _sqlite(OLD_SQLITE_CREATE)),
        migrations.AddField(
            model_name="searchdocument",
            name="tags",
            field=models.TextField(blank=True, default=""),
        ),
        migrations.RunPython(_sqlite(SQLITE_CREATE), _sqlite(SQLITE_DROP)),
    ]
