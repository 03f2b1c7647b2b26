"""Create the demo accounts and data for local use; refuses to run when DEBUG is off."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from catalogue.services import CATALOGUE_CSV, catalogue_import
from demo import seed
from label.models import Commune, Wave
from label.territory import communes_load

# Kept here too: tests and scripts import them from the command.
DEMO_PASSWORD = seed.DEMO_PASSWORD
DEMO_ACCOUNTS = seed.DEMO_ACCOUNTS


class Command(BaseCommand):
    help = (
        "Creates the demo accounts (password 'demo-euralens'), an announced 10th wave and the "
        "open 11th wave with files in every state. Local use only; running it again changes "
        "nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off (the test suite uses it; never in production).",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates accounts with a published password: it only runs with "
                "DEBUG on (local settings)."
            )
        with transaction.atomic():
            if Commune.objects.count() < 150:
                communes_load(Commune)
            enrolled = seed.demo_build()
            # The bundled history of labelled projects; re-importing updates, never duplicates.
            report = catalogue_import(source=CATALOGUE_CSV)
            if not report.ok:
                raise CommandError("; ".join(str(problem) for problem in report.errors))
        # After the commit, as the worker would: the announcement's certificates.
        seed.certificates_render_pending()
        if not Wave.objects.filter(number=10).exists():
            self.stdout.write(
                self.style.WARNING(
                    "No announced 10th wave: this database had an 11th wave before the demo "
                    "built one. Delete db.sqlite3 and var/media/, then run make run again."
                )
            )
        accounts = ", ".join(email for email, *_ in DEMO_ACCOUNTS)
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready: {accounts} (password: {DEMO_PASSWORD}).")
        )
        self.stdout.write(
            f"Second factor of {', '.join(enrolled)}: secret {seed.DEMO_TOTP_SECRET} "
            "(add it to an authenticator app, or print the current code with: python manage.py "
            f"shell -c \"from accounts.otp import totp; print(totp('{seed.DEMO_TOTP_SECRET}'))\")."
        )
