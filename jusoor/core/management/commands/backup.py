import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from jusoor.core import audit
from jusoor.core.backup import BackupError, create_backup, load_key


def backup_key(key_file: str | None) -> bytes:
    text = Path(key_file).read_text() if key_file else os.environ.get("JUSOOR_BACKUP_KEY", "")
    if not text.strip():
        raise CommandError(
            _(
                "No backup key: give --key-file or set JUSOOR_BACKUP_KEY (make one with generate_pii_key)."
            )
        )
    try:
        return load_key(text)
    except BackupError as exc:
        raise CommandError(str(exc)) from exc


class Command(BaseCommand):
    help = "Write an encrypted backup of the database and the media files to FILE."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("file", type=Path)
        parser.add_argument("--key-file", help="file holding the backup key (base64, 32 bytes)")

    def handle(self, *args, file, key_file, **options):  # type: ignore[no-untyped-def]
        key = backup_key(key_file)
        try:
            manifest = create_backup(file, key)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        audit.record(None, "backup.create", file=str(file), members=len(manifest["members"]))
        self.stdout.write(
            _("Backup written to %(file)s: the %(database)s database and %(media)d media files.")
            % {
                "file": file,
                "database": manifest["database"],
                "media": len(manifest["members"]) - 1,
            }
        )
