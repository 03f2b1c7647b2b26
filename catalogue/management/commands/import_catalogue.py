"""Import the catalogue of labelled projects from a CSV file (all rows or nothing)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from catalogue.services import catalogue_import


class Command(BaseCommand):
    help = (
        "Imports labelled projects from a CSV file in the format of "
        "label/data/labelled_projects.csv. Every row is checked first; one invalid row and "
        "nothing is written. Re-importing updates entries, never duplicates them."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="CSV file to import")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and report what would change, without writing anything.",
        )

    def handle(self, *args, file, dry_run=False, **options):
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        report = catalogue_import(source=file, dry_run=dry_run)
        for problem in report.errors:
            self.stderr.write(str(problem))
        if not report.ok:
            raise CommandError(report.summary())
        verbosity = options.get("verbosity", 1)
        if verbosity > 1:
            for label, names in (
                ("created", report.created),
                ("updated", report.updated),
                ("unchanged", report.unchanged),
            ):
                for name in names:
                    self.stdout.write(f"{label}: {name}")
        self.stdout.write(self.style.SUCCESS(report.summary()))
