import hashlib
from decimal import Decimal

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from applications.enums import AttachmentKind
from applications.models import Application, Attachment, FinancingLine
from label.models import Commune
from tests.factories.label import UserFactory, WaveFactory

# The smallest well-formed PDF: enough for content sniffing and hashing.
MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


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
            description="Création de jardins partagés sur trois friches minières.",
            themes=["nature", "alimentation"],
            stage="definition",
            contribution_transition="Biodiversité et lien social.",
            contribution_feasibility="Terrain mis à disposition par la commune.",
            contribution_diffusion="Visites ouvertes et guide méthodologique.",
            contribution_innovation="Gouvernance partagée avec les habitants.",
            partners="Commune de Lens, bailleur Maisons & Cités.",
            total_cost=Decimal("20000.00"),
            milestones="Printemps : chantier participatif ; été : premières récoltes.",
            diffusion_strategy="Réseaux sociaux et presse locale.",
            expected_support="Mise en réseau et visibilité.",
            consent_given_at=factory.LazyFunction(timezone.now),
        )

    @factory.post_generation
    def with_dossier_parts(self, create, extracted, **kwargs):
        """For a complete dossier: a commune, a balanced financing plan, the required document."""
        if not create or not self.title:
            return
        self.communes.add(Commune.objects.get(insee_code="62498"))
        FinancingLine.objects.create(
            application=self, source="Région Hauts-de-France", amount=Decimal("12000"), secured=True
        )
        FinancingLine.objects.create(
            application=self, source="Fonds propres", amount=Decimal("8000"), secured=True
        )
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
