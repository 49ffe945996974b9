from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from jusoor.programmes.models import Project
from jusoor.programmes.services import recompute_stale


class Command(BaseCommand):
    help = (
        "Recompute computed indicators from the data (open periods only; locked periods never "
        "change). Without --stale, every computed indicator, which also catches bulk imports."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--project", help="slug of one project")
        parser.add_argument("--stale", action="store_true", help="only those marked stale")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        project = None
        if options["project"]:
            project = Project.objects.filter(slug=options["project"]).first()
            if project is None:
                self.stderr.write(_("No project has this short name."))
                return
        count = recompute_stale(project, everything=not options["stale"])
        self.stdout.write(_("Indicators recomputed: %(count)s") % {"count": count})
