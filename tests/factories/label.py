from datetime import timedelta

import factory
from django.utils import timezone

from label.enums import Role
from label.models import User, Wave
from label.services import user_grant_role


class UserFactory(factory.django.DjangoModelFactory):
    """An active, confirmed account; pass roles=[Role.INSTRUCTION, ...] to grant roles."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@example.org")
    full_name = factory.Faker("name", locale="fr_FR")
    organisation = factory.Faker("company", locale="fr_FR")
    email_confirmed_at = factory.LazyFunction(timezone.now)
    password = factory.django.Password("motdepasse-solide-2026")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if not create:
            return
        for role in extracted if extracted is not None else [Role.APPLICANT]:
            user_grant_role(user=self, role=role)


class WaveFactory(factory.django.DjangoModelFactory):
    """A wave whose call is open now unless dates are given."""

    class Meta:
        model = Wave
        django_get_or_create = ("number",)

    number = factory.Sequence(lambda n: 11 + n)
    year = 2026
    title = factory.LazyAttribute(lambda wave: f"Label Euralens — vague {wave.number}")
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=30))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=60))
    introduction = "Appel à projets de la transition écologique et sociale."
    signatory_name = "Présidence du Pôle Métropolitain de l'Artois"
    signatory_title = "Président"


def close_call(wave, *, days_ago=1):
    """Close a wave's call for applications (its results may then be announced)."""
    now = timezone.now()
    wave.opens_at = min(wave.opens_at, now - timedelta(days=days_ago + 30))
    wave.closes_at = now - timedelta(days=days_ago)
    wave.save(update_fields=["opens_at", "closes_at"])
    return wave
