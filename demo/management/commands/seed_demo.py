"""Create the demo accounts and data for local use; refuses to run when DEBUG is off."""

from datetime import datetime, time, timedelta

from django.apps import apps as django_apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from catalogue.services import CATALOGUE_CSV, catalogue_import
from label import services
from label.enums import Role
from label.models import Commune, User, Wave
from label.territory import communes_load
from reviews.models import Criterion
from reviews.models.criteria import default_grid_create

DEMO_PASSWORD = "demo-euralens"  # noqa: S105 -- published demo password, local use only
DEMO_ACCOUNTS = [
    ("candidat@example.org", "Camille Candidat", "Association Terre d'Artois", Role.APPLICANT),
    (
        "instruction@example.org",
        "Inès Instruction",
        "Pôle Métropolitain de l'Artois",
        Role.INSTRUCTION,
    ),
    ("expert@example.org", "Émile Expert", "Cercle de qualité", Role.REVIEWER),
    ("jury@example.org", "Julie Jury", "Pôle Métropolitain de l'Artois", Role.JURY),
]


class Command(BaseCommand):
    help = "Creates the demo accounts (password 'demo-euralens') and data. Local use only."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off (the test suite uses it; never in production).",
        )

    @transaction.atomic
    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates accounts with a published password: it only runs with "
                "DEBUG on (local settings)."
            )
        services.role_groups_ensure()
        if Commune.objects.count() < 150:
            communes_load(Commune)
        for email, full_name, organisation, role in DEMO_ACCOUNTS:
            user, created = User.objects.get_or_create(
                email=email,
                defaults={
                    "full_name": full_name,
                    "organisation": organisation,
                    "email_confirmed_at": timezone.now(),
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            services.user_grant_role(user=user, role=Role.APPLICANT)
            services.user_grant_role(user=user, role=role)
            if role == Role.INSTRUCTION and not user.is_staff:
                user.is_staff = True
                user.save(update_fields=["is_staff"])
        self._ensure_open_wave()
        self._ensure_review_setup(Wave.objects.get(number=11))
        # The bundled history of labelled projects; re-importing updates, never duplicates.
        report = catalogue_import(source=CATALOGUE_CSV)
        if not report.ok:
            raise CommandError("; ".join(str(problem) for problem in report.errors))
        self.stdout.write(
            self.style.SUCCESS(
                "Demo data ready: "
                + ", ".join(email for email, *_ in DEMO_ACCOUNTS)
                + f" (password: {DEMO_PASSWORD})."
            )
        )

    def _ensure_review_setup(self, wave):
        """The wave's default grid, and the demo reviewer on its Cercle de qualité."""
        default_grid_create(Criterion, wave)
        # Looked up by name: the label app does not import the reviews app, which builds on it.
        committee_model = django_apps.get_model("reviews", "Committee")
        committee, _created = committee_model.objects.get_or_create(
            wave=wave, name="Cercle de qualité", defaults={"kind": "quality"}
        )
        committee.members.add(User.objects.get(email="expert@example.org"))

    def _ensure_open_wave(self):
        """The 11th wave, open from two weeks ago until three months from now (Paris time)."""
        if Wave.objects.filter(number=11).exists():
            return
        today = timezone.localdate()
        paris = timezone.get_current_timezone()
        closes_on = today + timedelta(days=90)
        wave = Wave(
            number=11,
            year=closes_on.year,
            title="Label Euralens — 11e vague",
            opens_at=datetime.combine(today - timedelta(days=14), time(9, 0), tzinfo=paris),
            closes_at=datetime.combine(closes_on, time(23, 59), tzinfo=paris),
            introduction=(
                "Le Pôle Métropolitain de l'Artois ouvre la 11e vague du Label Euralens : "
                "associations, habitants, collectivités, entreprises et bailleurs sont invités "
                "à présenter les projets qui portent la transition écologique et sociale du "
                "territoire."
            ),
            eligibility_text=(
                "Tout porteur de projet situé dans l'une des 150 communes du Pôle Métropolitain "
                "de l'Artois, capable de mener son projet à bien."
            ),
            ceremony_place="Louvre-Lens",
            signatory_name="Le Président du Pôle Métropolitain de l'Artois",
            signatory_title="Président",
        )
        wave.full_clean()
        wave.save()
