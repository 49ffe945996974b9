from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from jusoor.core.erasure import apply_retention


class Command(BaseCommand):
    help = (
        "Anonymise or delete what is older than each dataset's retention period, per organisation "
        "(JUSOOR_RETENTION_DAYS, JUSOOR_RETENTION_BY_ORGANISATION); --dry-run only counts."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--dry-run", action="store_true", help=_("count, change nothing"))

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        dry_run = options["dry_run"]
        rows = apply_retention(dry_run=dry_run)
        total = 0
        for row in rows:
            if row.days is None:
                kept = _("kept without limit")
                self.stdout.write(f"{row.organisation}\t{row.dataset}\t{kept}")
                continue
            if row.action == "anonymise":
                done = _("would anonymise") if dry_run else _("anonymised")
            else:
                done = _("would delete") if dry_run else _("deleted")
            self.stdout.write(
                f"{row.organisation}\t{row.dataset}\t"
                + _("older than %(days)d days") % {"days": row.days}
                + f"\t{done}\t{row.count}"
            )
            total += row.count
        summary = (
            ngettext(
                "Dry run: %(count)d row would change; nothing was changed.",
                "Dry run: %(count)d rows would change; nothing was changed.",
                total,
            )
            if dry_run
            else ngettext(
                "%(count)d row anonymised or deleted; recorded in the audit log.",
                "%(count)d rows anonymised or deleted; recorded in the audit log.",
                total,
            )
        )
        self.stdout.write(summary % {"count": total})
