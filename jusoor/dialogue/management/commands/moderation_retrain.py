"""Retrain the moderation model with an organisation's confirmed decisions; show, don't switch.

    python manage.py moderation_retrain --organisation shams [--save DIR]

Prints the current and the retrained model's cross-validated metrics and how many confirmed
texts the two models judge differently. The new model is only written with ``--save``; switching
it on stays a person's decision.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jusoor.accounts.models import Organisation
from jusoor.dialogue.learning import confirmed_examples
from jusoor.engines import moderation


class Command(BaseCommand):
    help = "Retrain the moderation model on an organisation's confirmed decisions (metrics first)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organisation", required=True, help="The organisation's short name.")
        parser.add_argument("--save", help="Folder to write the retrained model to.")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = Organisation.objects.filter(slug=options["organisation"]).first()
        if organisation is None:
            raise CommandError(f"No organisation {options['organisation']!r}.")
        examples = confirmed_examples(organisation.pk)
        if not examples:
            raise CommandError("No confirmed moderation decisions to learn from yet.")
        offensive = sum(e.offensive for e in examples)
        self.stdout.write(
            f"{len(examples)} confirmed decisions ({offensive} offensive, "
            f"{len(examples) - offensive} acceptable)."
        )
        try:
            result = moderation.retrain(examples)
        except FileNotFoundError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write("current:   " + json.dumps(result.previous_metrics, sort_keys=True))
        self.stdout.write("retrained: " + json.dumps(result.metrics, sort_keys=True))
        self.stdout.write(f"confirmed texts judged differently: {len(result.changed)}")
        if options.get("save"):
            result.model.save(options["save"])
            self.stdout.write(f"Saved to {options['save']} (not switched on).")
