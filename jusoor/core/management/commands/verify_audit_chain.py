from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from jusoor.core.models import verify_chain


class Command(BaseCommand):
    help = "Check that no audit event was changed or removed; report the first break."

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        checked, broken = verify_chain()
        if broken is not None:
            raise CommandError(
                _(
                    "The audit chain breaks at event %(id)d (%(when)s, %(action)s): it or the event before it was changed or removed."
                )
                % {"id": broken.pk, "when": broken.created_at.isoformat(), "action": broken.action}
            )
        self.stdout.write(
            _("%(count)d audit events checked; the chain is intact.") % {"count": checked}
        )
