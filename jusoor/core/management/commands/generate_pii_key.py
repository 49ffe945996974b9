from django.core.management.base import BaseCommand

from jusoor.core.crypto import generate_key


class Command(BaseCommand):
    help = "Print a new key for the personal-data encryption (JUSOOR_PII_KEY)."

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        self.stdout.write(generate_key())
