"""``manage.py dedup_csv FILE``: the registry's matcher on any list, for anyone to check it."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from jusoor.engines.arabic import DedupInputError, dedup_csv


class Command(BaseCommand):
    help = (
        "Read a UTF-8 CSV with the columns record_id,name,phone,birth_year,sex,area and write "
        "record_id,cluster_id to standard output: records of one person share a cluster_id."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("file", help="CSV file, or - for standard input")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        path = options["file"]
        try:
            if path == "-":
                result = dedup_csv(sys.stdin, self.stdout)
            else:
                with open(path, encoding="utf-8", newline="") as stream:
                    result = dedup_csv(stream, self.stdout)
        except FileNotFoundError as exc:
            raise CommandError(f"{path}: no such file") from exc
        except DedupInputError as exc:
            raise CommandError(f"{path}: {exc}") from exc
        records = sum(len(c) for c in result.clusters)
        self.stderr.write(
            f"{records} records, {len(result.clusters)} people, "
            f"{len(result.review)} pairs worth a look"
        )
