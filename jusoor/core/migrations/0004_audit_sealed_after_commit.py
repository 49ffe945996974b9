"""Seals are written after the event's own transaction, in their own order (``sealed_seq``).

Events sealed before this change were chained in id order: they are numbered so.
"""

from django.conf import settings
from django.db import migrations, models

from jusoor.core.dbguard import install_audit_guard, remove_audit_guard


def number_sealed_events(apps, schema_editor):
    connection = schema_editor.connection
    remove_audit_guard(connection)
    with connection.cursor() as cursor:
        cursor.execute(
            """UPDATE core_auditevent SET sealed_seq = numbered.position
               FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS position
                     FROM core_auditevent WHERE hash <> '') AS numbered
               WHERE numbered.id = core_auditevent.id"""
        )
    install_audit_guard(connection)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_audit_hash_chain"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="sealed_seq",
            field=models.BigIntegerField(blank=True, editable=False, null=True, unique=True),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(
                condition=models.Q(("sealed_seq__isnull", True)),
                fields=["id"],
                name="core_audit_unsealed",
            ),
        ),
        migrations.RunPython(number_sealed_events, migrations.RunPython.noop),
    ]
