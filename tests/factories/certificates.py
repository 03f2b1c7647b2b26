"""Labelled applications and their certificates, for the certificate and verification tests."""

import secrets

import factory
from django.utils import timezone

from applications.enums import ApplicationState
from applications.models import Application
from certificates.models import Certificate
from label.enums import Award
from tests.factories.applications import ApplicationFactory


def labelled_application(*, award=Award.LABEL, announced_at=None, **kwargs):
    """A complete application forced into the labelled state, as an announcement leaves it."""
    application = ApplicationFactory(complete=True, **kwargs)
    Application.objects.filter(pk=application.pk).update(
        state=ApplicationState.LABELLED,
        award=award,
        announced_at=announced_at or timezone.now(),
        reference=f"EL{application.wave.number}-{application.pk:04d}",
    )
    return Application.objects.select_related("wave", "owner").get(pk=application.pk)


class CertificateFactory(factory.django.DjangoModelFactory):
    """A pending certificate row of a labelled application (certificate_issue makes real ones)."""

    class Meta:
        model = Certificate

    application = factory.LazyFunction(labelled_application)
    sequence = factory.Sequence(lambda n: n + 1)
    number = factory.LazyAttribute(
        lambda row: f"LE-2026-{row.application.wave.number}-{row.sequence:03d}"
    )
    version = 1
    token = factory.LazyFunction(lambda: secrets.token_urlsafe(32))
    file = factory.LazyFunction(lambda: f"certificats/{secrets.token_hex(16)}.pdf")


def rendered_certificate(application=None, **kwargs):
    """Issue the certificate of a labelled application and render it at once (no broker)."""
    from certificates.services import certificate_issue, certificate_render

    certificate = certificate_issue(application=application or labelled_application(), **kwargs)
    certificate_render(certificate_id=certificate.pk)
    certificate.refresh_from_db()
    return certificate
