from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from jusoor.geo.boundaries import DEFAULT_SOURCE, SHIPPED, write


class Command(BaseCommand):
    help = (
        "Simplify OCHA COD-AB district boundaries (irq_adm2.geojson) into the small outline file "
        "that maps use (jusoor/geo/data/irq_adm2_boundaries.json)."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument(
            "source", nargs="?", default=str(DEFAULT_SOURCE / "irq_adm2.geojson"), type=Path
        )
        parser.add_argument("--output", default=str(SHIPPED), type=Path)
        parser.add_argument("--tolerance", default=0.01, type=float, help="in degrees")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        source = options["source"]
        if not source.exists():
            raise CommandError(_("No boundary file at %(path)s.") % {"path": source})
        result = write(source, options["output"], options["tolerance"])
        size = options["output"].stat().st_size
        self.stdout.write(
            _("%(count)s districts written to %(path)s (%(size)s bytes).")
            % {"count": len(result["districts"]), "path": options["output"], "size": size}
        )
