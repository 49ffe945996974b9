"""The database itself refuses UPDATE and DELETE on the audit log, whatever code asks."""

from django.db import migrations

from jusoor.core.dbguard import install_audit_guard, remove_audit_guard


def forwards(apps, schema_editor):
    install_audit_guard(schema_editor.connection)


def backwards(apps, schema_editor):
    remove_audit_guard(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
