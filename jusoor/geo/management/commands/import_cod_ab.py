from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from jusoor.geo.cod import CodImportError, import_files, load_shipped_units


class Command(BaseCommand):
    help = "Import Iraq administrative units from OCHA COD-AB CSV files (irq_adm1/2/3.csv)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument(
            "files",
            nargs="*",
            type=Path,
            help="COD-AB CSV files; none loads the units shipped with Jusoor.",
        )
        parser.add_argument("--encoding", default="utf-8")

    def handle(self, *args, files, encoding, **options):  # type: ignore[no-untyped-def]
        try:
            counts = import_files(files, encoding) if files else load_shipped_units()
        except CodImportError as exc:
            raise CommandError(_("Nothing was imported:") + "\n" + "\n".join(exc.problems)) from exc
        except FileNotFoundError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            _("%(created)d created, %(updated)d updated, %(unchanged)d unchanged.") % counts
        )
