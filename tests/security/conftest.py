"""The victim's world the attack tests aim at, and helpers to prove nothing changed.

One applicant (the victim) owns a draft, a filed file, a file under review (assigned to a
reviewer, with a submitted review), a file in deliberation and a labelled file with its
certificate. Around them: another applicant, an assigned and an unassigned reviewer, a jury
member, a member of the instruction team. Every title and holder of the victim carries
SECRET, which no refused answer may show.
"""

import hashlib
from datetime import date

import pytest
from django.apps import apps
from django.test import Client

from applications.enums import ApplicationState as S
from applications.models import Application, Message
from booklets.models import Booklet
from callforms.declaration import form_for
from label.enums import Role
from tests.conftest import login
from tests.factories import AssignmentFactory, CommitteeFactory, UserFactory
from tests.factories.certificates import CertificateFactory
from tests.factories.reviews import ReviewerFactory, grid_for, review_with_scores
from tests.privacy.test_privacy import application_in

SECRET = "SECRET"
# Rows that change on any request by design: the audit trail records the attempts.
FINGERPRINT_EXCLUDED = {"label.auditevent", "label.user"}


def fingerprint():
    """A digest of every row of the portal's apps (the audit trail and logins aside)."""
    digest = hashlib.sha256()
    for app_label in (
        "label",
        "accounts",
        "applications",
        "reviews",
        "certificates",
        "catalogue",
        "privacy",
        "callforms",
        "booklets",
        "django_otp_webauthn",
    ):
        for model in apps.get_app_config(app_label).get_models():
            if model._meta.label_lower in FINGERPRINT_EXCLUDED:
                continue
            rows = list(model._base_manager.order_by("pk").values())
            digest.update(f"{model._meta.label_lower}:{rows!r}".encode())
            for m2m in model._meta.many_to_many:
                through = m2m.remote_field.through
                links = list(through.objects.order_by("pk").values_list())
                digest.update(f"{through._meta.label_lower}:{links!r}".encode())
    return digest.hexdigest()


class World:
    """The objects and people of the attack tests, with logged-in clients per role."""

    def __init__(self, wave):
        self.wave = wave
        grid_for(wave)
        # The wave's form and a version of its cahier, for the builder's and the cahier's
        # routes (made here, before the tests take their fingerprint of the database).
        form_for(wave)
        self.booklet = Booklet.objects.create(
            wave=wave, version=1, introduction=f"{SECRET} introduction", status="done"
        )
        self.owner = UserFactory(roles=[Role.APPLICANT], organisation=f"{SECRET} holder")
        self.people = {
            "owner": self.owner,
            "other_applicant": UserFactory(roles=[Role.APPLICANT]),
            "reviewer": ReviewerFactory(),
            "reviewer_not_assigned": ReviewerFactory(),
            "jury_member": UserFactory(
                roles=[Role.APPLICANT, Role.JURY], organisation="Conseil de développement"
            ),
            "instruction": UserFactory(roles=[Role.APPLICANT, Role.INSTRUCTION]),
        }
        # The other applicant has a file of their own, so their area is not empty.
        application_in(S.DRAFT, owner=self.people["other_applicant"], wave=wave, title="Le mien")
        titles = {
            "draft": S.DRAFT,
            "filed": S.SUBMITTED,
            "in_review": S.IN_REVIEW,
            "deliberation": S.DELIBERATION,
            "labelled": S.LABELLED,
        }
        self.files = {
            key: application_in(
                state,
                owner=self.owner,
                wave=wave,
                title=f"{SECRET} {key}",
                holder_name=f"{SECRET} holder {key}",
            )
            for key, state in titles.items()
        }
        Message.objects.create(application=self.files["filed"], author=self.owner, body="Allo")
        self.committee = CommitteeFactory(
            wave=wave, members=[self.people["reviewer"], self.people["reviewer_not_assigned"]]
        )
        self.assignment = AssignmentFactory(
            application=self.files["in_review"], reviewer=self.people["reviewer"], accepted=True
        )
        self.review = review_with_scores(self.assignment, 3)
        Application.objects.filter(pk=self.files["labelled"].pk).update(award="label")
        self.certificate = CertificateFactory(application=self.files["labelled"])
        session_model = apps.get_model("reviews", "JurySession")
        self.jury_session = session_model.objects.create(
            wave=wave, held_on=date(2026, 10, 14), place="Lens"
        )
        self._passkey = apps.get_model("django_otp_webauthn", "WebAuthnCredential").objects.create(
            user=self.owner,
            name=f"{SECRET} clé",
            confirmed=True,
            credential_id=b"victim-credential",
            public_key=b"public-key",
            aaguid="00000000-0000-0000-0000-000000000000",
            credential_id_sha256="5" * 64,
        )

    def attachment(self, key):
        return self.files[key].attachments.first()

    def passkey(self):
        """The owner's passkey."""
        return self._passkey

    def clients(self, roles):
        """A logged-in client per role ("anonymous" gets a fresh one)."""
        clients = {}
        for role in roles:
            client = Client()
            if role != "anonymous":
                login(client, self.people[role])
            clients[role] = client
        return clients


@pytest.fixture
def world(roles, open_wave):
    return World(open_wave)


@pytest.fixture(autouse=True)
def _project_photo(request):
    """The labelled file's project photo, proposed by its holder, for the catalogue's photo
    routes; made before the test takes its fingerprint of the database."""
    if "catalogue:photo_" not in request.node.name:
        return
    from catalogue.photos import photo_propose
    from catalogue.services import catalogue_entry_publish_from_application
    from demo.photos import scene_jpeg

    world = request.getfixturevalue("world")
    application = world.files["labelled"]
    entry = catalogue_entry_publish_from_application(application)
    world.project_photo = photo_propose(
        entry=entry,
        by=application.owner,
        upload=scene_jpeg("jardins"),
        alt=f"{SECRET} photo",
        credit="Porteur",
        consent=True,
    )
