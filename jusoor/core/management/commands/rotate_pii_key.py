from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from jusoor.core import audit
from jusoor.core.rotation import rotate_personal_data


class Command(BaseCommand):
    help = (
        "Re-encrypt every personal-data value with the first key of JUSOOR_PII_KEY and rebuild "
        "the lookup hashes; checks that every value reads back the same."
    )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        try:
            report = rotate_personal_data()
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        audit.record(None, "pii.rotate", rows=report.rows, values=report.values)
        self.stdout.write(
            _(
                "%(values)d personal-data values in %(rows)d rows re-encrypted with the current "
                "key; every value reads back unchanged (digest %(digest)s)."
            )
            % {"values": report.values, "rows": report.rows, "digest": report.digest_after[:16]}
        )
