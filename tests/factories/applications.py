import hashlib
from decimal import Decimal

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from applications.enums import AttachmentKind
from applications.models import Application, Attachment
from label.models import Commune
from tests.factories.label import UserFactory, WaveFactory

# The smallest well-formed PDF: enough for content sniffing and hashing.
MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


# The answers of a complete dossier to the default form of a wave (callforms.defaults), by
# question key: every required question answered, the financing plan equal to the total cost.
COMPLETE_ANSWERS = {
    "description": "Création de jardins partagés sur trois friches minières.",
    "stage": "definition",
    "contribution_transition": "Biodiversité et lien social.",
    "contribution_feasibility": "Terrain mis à disposition par la commune.",
    "contribution_diffusion": "Visites ouvertes et guide méthodologique.",
    "contribution_innovation": "Gouvernance partagée avec les habitants.",
    "partners": "Commune de Lens, bailleur Maisons & Cités.",
    "financing_lines": [
        {"source": "Région Hauts-de-France", "amount": "12000.00", "secured": True},
        {"source": "Fonds propres", "amount": "8000.00", "secured": True},
    ],
    "milestones": "Printemps : chantier participatif ; été : premières récoltes.",
    "diffusion_strategy": "Réseaux sociaux et presse locale.",
    "expected_support": "Mise en réseau et visibilité.",
}


class ApplicationFactory(factory.django.DjangoModelFactory):
    """An empty draft; use `complete=True` for a dossier that passes the submit guard."""

    class Meta:
        model = Application
        skip_postgeneration_save = True

    wave = factory.SubFactory(WaveFactory, number=11)
    owner = factory.SubFactory(UserFactory)

    class Params:
        complete = factory.Trait(
            holder_name="Association Terre d'Artois",
            holder_type="association",
            address="12 rue de la Gare, 62300 Lens",
            contact_name="Camille Martin",
            contact_email="camille@example.org",
            contact_phone="03 21 00 00 00",
            title=factory.Sequence(lambda n: f"Jardins partagés du bassin minier {n}"),
            summary="Des jardins partagés sur d'anciennes friches.",
            themes=["nature", "alimentation"],
            total_cost=Decimal("20000.00"),
            answers=factory.LazyFunction(lambda: dict(COMPLETE_ANSWERS)),
            consent_given_at=factory.LazyFunction(timezone.now),
        )

    @factory.post_generation
    def with_dossier_parts(self, create, extracted, **kwargs):
        """For a complete dossier: a commune and the required document (the balanced
        financing plan is among its answers)."""
        if not create or not self.title:
            return
        self.communes.add(Commune.objects.get(insee_code="62498"))
        AttachmentFactory(application=self, kind=AttachmentKind.FINANCING_PLAN)


class AttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attachment

    application = factory.SubFactory(ApplicationFactory)
    kind = AttachmentKind.OTHER
    original_name = "plan-de-financement.pdf"
    extension = "pdf"
    content_type = "application/pdf"
    size = len(MINIMAL_PDF)
    sha256 = hashlib.sha256(MINIMAL_PDF).hexdigest()
    file = factory.LazyFunction(lambda: ContentFile(MINIMAL_PDF, name="document.pdf"))
