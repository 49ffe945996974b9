from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from jusoor.core.erasure import ErasureReport
from jusoor.people.models import Person
from jusoor.people.services import withdraw_consent


class Command(BaseCommand):
    help = (
        "Carry out a deletion request: erase a participant (by code) everywhere, keeping a "
        "tombstone for past counts; recorded in the audit log."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("code", help=_("the participant's code, e.g. P-7KQ2M"))

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        person = Person.objects.filter(code=options["code"].strip().upper()).first()
        if person is None:
            raise CommandError(_("No participant has the code %(code)s.") % options)
        if person.merged_into_id:
            raise CommandError(
                _("%(code)s was merged into %(survivor)s: erase %(survivor)s.")
                % {"code": person.code, "survivor": person.merged_into.code}
            )
        if person.withdrawn_at:
            self.stdout.write(_("%(code)s was already erased.") % {"code": person.code})
            return
        withdraw_consent(None, person, reason="deletion request")
        from jusoor.core.models import AuditEvent

        event = AuditEvent.objects.filter(action="person.erase").order_by("-id").first()
        report = ErasureReport(event.data.get("erased", {}) if event else {})
        self.stdout.write(
            ngettext(
                "%(code)s erased: %(count)d other record changed.",
                "%(code)s erased: %(count)d other records changed.",
                report.total,
            )
            % {"code": person.code, "count": report.total}
        )
