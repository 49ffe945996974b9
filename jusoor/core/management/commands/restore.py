from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils.translation import gettext as _

from jusoor.core.backup import BackupError, restore_backup
from jusoor.core.management.commands.backup import backup_key


class Command(BaseCommand):
    help = "Restore an encrypted backup into this instance's (empty) database and media root."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("file", type=Path)
        parser.add_argument("--key-file")
        parser.add_argument(
            "--force",
            action="store_true",
            help="restore even though the database already has tables",
        )

    def handle(self, *args, file, key_file, force, **options):  # type: ignore[no-untyped-def]
        key = backup_key(key_file)
        if connection.introspection.table_names() and not force:
            raise CommandError(
                _(
                    "This database is not empty. Restore into a new instance, or pass --force to replace it."
                )
            )
        database = settings.DATABASES["default"]
        sqlite_path = Path(database["NAME"]) if connection.vendor == "sqlite" else None
        connection.close()
        try:
            manifest = restore_backup(
                file,
                key,
                media_root=Path(settings.MEDIA_ROOT),
                sqlite_path=sqlite_path,
                pg_settings=database if connection.vendor == "postgresql" else None,
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            _("Restored the backup of %(created)s: database and %(media)d media files.")
            % {"created": manifest["created"], "media": len(manifest["members"]) - 1}
        )
