"""The database itself refuses UPDATE and DELETE on the audit log, whatever code asks."""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;""",
    """CREATE TRIGGER core_auditevent_no_delete BEFORE DELETE ON core_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS core_auditevent_no_update;",
    "DROP TRIGGER IF EXISTS core_auditevent_no_delete;",
]
POSTGRES = [
    """CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit events are append-only'; END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER core_auditevent_append_only BEFORE UPDATE OR DELETE ON core_auditevent
       FOR EACH ROW EXECUTE FUNCTION core_auditevent_append_only();""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent;",
    "DROP FUNCTION IF EXISTS core_auditevent_append_only();",
]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": SQLITE, "postgresql": POSTGRES}.get(vendor, [])
    for statement in statements:
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}.get(vendor, [])
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
