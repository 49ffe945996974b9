from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from jusoor.programmes.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load (or refresh) the seed's programme as live demo data. Safe to run again."

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        result = load_demo()
        self.stdout.write(_("Demo loaded: %(project)s") % {"project": result["project"]})
        self.stdout.write(
            _("Demo sign-ins (password for all: %(password)s):") % {"password": DEMO_PASSWORD}
        )
        for username, role, organisation in result["logins"]:
            self.stdout.write(f"  {username:<22} {role:<20} {organisation}")
