"""Retrain the moderation model with an organisation's confirmed decisions; show, don't switch.

    python manage.py moderation_retrain --organisation shams [--save DIR]

Prints the current and the retrained model's cross-validated metrics and how many confirmed
texts the two models judge differently. The new model is kept as a candidate of the organisation
(``learning.train_candidate``) and, with ``--save``, also written to DIR; switching it on stays a
person's decision, on the workspace's moderation model page.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from jusoor.accounts.models import Organisation
from jusoor.dialogue import learning
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
            candidate = learning.train_candidate(None, organisation)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write("current:   " + json.dumps(candidate.previous_metrics, sort_keys=True))
        self.stdout.write("retrained: " + json.dumps(candidate.new_metrics, sort_keys=True))
        changed = candidate.metrics.get("changed", [])
        self.stdout.write(f"confirmed texts judged differently: {len(changed)}")
        self.stdout.write(f"Kept as candidate #{candidate.pk} (not switched on).")
        if options.get("save"):
            moderation.load_model(learning.model_folder(candidate)).save(options["save"])
            self.stdout.write(f"Saved to {options['save']} (not switched on).")
