"""Score texts with the moderation engine: one UTF-8 text per line in, one line out.

    python manage.py moderation_score < texts.txt
    0.9731	0.0412	hold

Columns, tab-separated: P(offensive), P(hate speech), and the routing decision (hold, review or
publish) under the chosen policy.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from jusoor.engines import moderation


class Command(BaseCommand):
    help = "Score texts (one per line on standard input): P(offensive), P(hate), decision."
    stealth_options = ("stdin",)  # tests pass a stream instead of standard input

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--policy",
            choices=sorted(moderation.POLICIES),
            default="standard",
            help="Routing thresholds: standard (default), strict (youth) or open.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        policy = moderation.POLICIES[options["policy"]]
        stream = options.get("stdin") or getattr(sys.stdin, "buffer", sys.stdin)
        for p_offensive, p_hate, decision in moderation.score_lines(stream, policy):
            self.stdout.write(moderation.format_line(p_offensive, p_hate, decision))
