"""Certificates of labelled projects: issue, background rendering, verification, archives.

A certificate is issued when a wave's results are announced (the announcement calls
``certificate_issue`` for each labelled application, inside its transaction) and rendered to
a PDF/A-3a file (archival, tagged) by a Celery task scheduled on commit. Rendering is
idempotent: a version is rendered once, and a worker that dies half-way leaves the row
pending, so the task (acks_late) or the periodic sweep renders it again over the same file.
A re-issue after a correction creates the next version with the same number and
verification token.
"""

import base64
import hashlib
import logging
import secrets
import zipfile
from datetime import timedelta

import segno
from celery import current_app
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.enums import ApplicationState
from certificates.models import Certificate, CertificateStatus
from label.enums import Award
from label.models import Wave
from label.pdf import render_pdf

logger = logging.getLogger(__name__)

RENDER_CERTIFICATE_TASK = "certificates.render_certificate"

# 32 random bytes: 256 bits, twice the 128 the verification token needs at least.
TOKEN_BYTES = 32
CERTIFICATE_TEMPLATE = "certificates/certificate_pdf.html"
# Archival (PDF/A-3) in its accessible level "a": tagged, with language and Unicode text.
PDF_VARIANT = "pdf/a-3a"
# What the certificate says of each award (the choices' labels carry « Catégorie 1 »).
AWARD_TITLES = {
    Award.LABEL: gettext_lazy("Label Euralens"),
    Award.ESPOIRS: gettext_lazy("Label Espoirs"),
}
# Failures worth another try: the database or the file storage was briefly unreachable.
# Anything else (a template error, bad data) would fail the same way again.
TRANSIENT_ERRORS = (OSError, OperationalError, InterfaceError)


def certificate_verification_url(certificate):
    """The public address the certificate's QR code points to: {SITE_URL}/verifier/<token>/."""
    path = reverse("certificates:verify", kwargs={"token": certificate.token})
    return f"{settings.SITE_URL}{path}"


def certificate_qr_code(url):
    """The QR code of a verification address (error correction M, enough for print and wear)."""
    return segno.make(url, error="m", boost_error=False)


def _certificate_year(application, wave):
    """The year of the wave's edition (« Label Euralens 2027 » numbers LE-2027-11-…).

    Numbers once followed the year of the announcement, which could differ from the
    edition's; they are stored on each certificate, so those already issued stay valid.
    """
    return wave.year


def _new_file_name():
    # Random, so that a file name in a log or a backup tells nothing and guesses nothing.
    return f"certificats/{secrets.token_hex(16)}.pdf"


def certificate_schedule_render(*, certificate_id):
    """Hand one rendering to the task queue; a broker failure is logged and left to the sweep."""
    try:
        # Found by its name in Celery's registry (certificates/tasks.py registers it when the
        # app is ready), so that services never import the tasks that call them.
        current_app.tasks[RENDER_CERTIFICATE_TASK].delay(certificate_id)
    except Exception:
        # The pending row is safe in the database: certificate_sweep queues it again.
        logger.warning("Could not queue certificate %s; the sweep will retry.", certificate_id)


@transaction.atomic
def certificate_issue(*, application, reason="", by=None):
    """Issue the certificate of a labelled application; it is rendered in the background.

    The first issue gives the project the next number of its wave (``LE-2026-11-003``) and a
    verification token; calling it again without a reason returns the version in force
    unchanged (an announcement run twice issues nothing more). With a reason, it re-issues:
    version n+1 with the same number and token, the previous version marked superseded.

    Effects, in order: lock the application (then the wave, for numbering); check it is
    labelled; supersede the previous version; create the pending row with its file name;
    schedule the rendering task on commit.
    """
    application = (
        type(application)
        .objects.select_for_update(of=("self",))
        .select_related("wave")
        .get(pk=application.pk)
    )
    if application.state != ApplicationState.LABELLED or application.award not in Award.values:
        raise ValidationError(_("Seul un projet labellisé reçoit un certificat."))
    reason = (reason or "").strip()
    previous = application.certificates.order_by("-version").first()
    if previous is not None and not reason:
        return application.certificates.current_version() or previous
    now = timezone.now()
    if previous is None:
        # The wave row lock serialises numbering between simultaneous issues.
        wave = Wave.objects.select_for_update().get(pk=application.wave_id)
        last = Certificate.objects.filter(application__wave=wave).aggregate(last=Max("sequence"))
        sequence = (last["last"] or 0) + 1
        number = f"LE-{_certificate_year(application, wave)}-{wave.number}-{sequence:03d}"
        token = secrets.token_urlsafe(TOKEN_BYTES)
        version = 1
    else:
        sequence, number, token = previous.sequence, previous.number, previous.token
        version = previous.version + 1
        application.certificates.current().update(superseded_at=now)
    certificate = Certificate.objects.create(
        application=application,
        number=number,
        sequence=sequence,
        version=version,
        token=token,
        file=_new_file_name(),
        reason=reason,
        issued_by=by,
    )
    transaction.on_commit(lambda: certificate_schedule_render(certificate_id=certificate.pk))
    return certificate


def certificate_pdf_context(certificate):
    """What the PDF template shows: the project, its holder and place, the award, the wave."""
    application = certificate.application
    url = certificate_verification_url(certificate)
    return {
        "certificate": certificate,
        "application": application,
        "wave": application.wave,
        "award_title": AWARD_TITLES.get(application.award, application.get_award_display()),
        "communes": (
            []
            if application.territory_wide
            else list(application.communes.order_by("name").values_list("name", flat=True))
        ),
        "awarded_on": application.announced_at or certificate.created_at,
        "ceremony_on": application.wave.ceremony_on,
        "signature_data_url": _signature_data_url(application.wave),
        "verification_url": url,
        "qr_svg": certificate_qr_code(url).svg_inline(scale=3, border=0, dark="#000"),
    }


def _signature_data_url(wave):
    """The wave's signature picture as a ``data:`` URL, or "" when there is none.

    The file lives in private media, which the PDF fetcher never reads: its bytes are
    inlined instead. A missing or unreadable file leaves the certificate without it.
    """
    if not wave.signatory_image:
        return ""
    try:
        with wave.signatory_image.open("rb") as handle:
            content = handle.read()
    except OSError:
        logger.warning("Signature picture of wave %s unreadable.", wave.pk)
        return ""
    kind = "image/png" if content.startswith(b"\x89PNG") else "image/jpeg"
    return f"data:{kind};base64,{base64.b64encode(content).decode('ascii')}"


def certificate_render_pdf(certificate):
    """The PDF/A-3a bytes of one certificate version (no database write)."""
    title = _("Certificat %(number)s — %(title)s") % {
        "number": certificate.number,
        "title": certificate.application.title,
    }
    return render_pdf(
        template_name=CERTIFICATE_TEMPLATE,
        context=certificate_pdf_context(certificate),
        title=title,
        language="fr",
        pdf_variant=PDF_VARIANT,
    )


def _write_file(certificate, content):
    """Write the version's file under its fixed name, replacing what a crash left there."""
    storage = certificate.file.storage
    name = certificate.file.name
    if storage.exists(name):
        storage.delete(name)
    saved = storage.save(name, ContentFile(content))
    if saved != name:
        # Only another writer of the same version could cause this, and the row lock
        # forbids one: refuse to leave a second file behind.
        storage.delete(saved)
        raise RuntimeError(f"Certificate file {name} was written as {saved}.")


def certificate_render(*, certificate_id):
    """Render one pending certificate version to its PDF file, once.

    Idempotent: the row is locked, and a version already rendered (or given up) is returned
    untouched. The file is written under the name chosen at issue, then the status flips to
    rendered in the same transaction; a worker that dies in between leaves the row pending
    and a rerun overwrites the file. A failure records the error and is raised again so that
    the task retries (transient errors) — after CERTIFICATE_MAX_ATTEMPTS tries, or at once
    for an error that would repeat, the version is marked failed.
    Returns the certificate, or None for an unknown id.
    """
    try:
        with transaction.atomic():
            certificate = (
                Certificate.objects.select_for_update(of=("self",))
                .select_related("application__wave")
                .filter(pk=certificate_id)
                .first()
            )
            if certificate is None or certificate.status != CertificateStatus.PENDING:
                return certificate
            content = certificate_render_pdf(certificate)
            _write_file(certificate, content)
            certificate.sha256 = hashlib.sha256(content).hexdigest()
            certificate.status = CertificateStatus.RENDERED
            certificate.rendered_at = timezone.now()
            certificate.attempts += 1
            certificate.last_error = ""
            certificate.save(
                update_fields=["sha256", "status", "rendered_at", "attempts", "last_error"]
            )
            return certificate
    except Exception as error:
        _record_failure(certificate_id=certificate_id, error=error)
        raise


def _record_failure(*, certificate_id, error):
    try:
        with transaction.atomic():
            certificate = (
                Certificate.objects.select_for_update()
                .filter(pk=certificate_id, status=CertificateStatus.PENDING)
                .first()
            )
            if certificate is None:
                return
            certificate.attempts += 1
            certificate.last_error = f"{type(error).__name__}: {error}"[:2000]
            if (
                not isinstance(error, TRANSIENT_ERRORS)
                or certificate.attempts >= settings.CERTIFICATE_MAX_ATTEMPTS
            ):
                certificate.status = CertificateStatus.FAILED
                logger.error("Gave up certificate %s: %s", certificate.pk, certificate.last_error)
            certificate.save(update_fields=["attempts", "last_error", "status"])
    except Exception:
        # The database itself may be what failed; the row stays pending for the sweep.
        logger.exception("Could not record the failure of certificate %s.", certificate_id)


def certificate_sweep(*, limit=500):
    """Queue again the certificates still pending a while after their issue; return how many.

    They were issued while the broker was down, or their worker died: the rendering is
    idempotent, so queueing one that is about to be rendered anyway costs nothing.
    """
    cutoff = timezone.now() - timedelta(seconds=settings.CERTIFICATE_SWEEP_AFTER)
    due = list(
        Certificate.objects.filter(status=CertificateStatus.PENDING, created_at__lte=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    for certificate_id in due:
        certificate_schedule_render(certificate_id=certificate_id)
    return len(due)


def certificate_retry(*, certificates):
    """Give failed certificates a fresh series of tries (the admin's « générer à nouveau »)."""
    ids = [certificate.pk for certificate in certificates]
    count = Certificate.objects.filter(pk__in=ids, status=CertificateStatus.FAILED).update(
        status=CertificateStatus.PENDING, attempts=0
    )
    for certificate_id in ids:
        transaction.on_commit(
            lambda certificate_id=certificate_id: certificate_schedule_render(
                certificate_id=certificate_id
            )
        )
    return count


# Reads


def certificate_get_for_token(token):
    """The version in force of the certificate a verification token names, or None."""
    return (
        Certificate.objects.filter(token=token, superseded_at__isnull=True)
        .select_related("application__wave")
        .order_by("-version")
        .first()
    )


def certificate_get_valid_for_token(token):
    """The version in force for a token if its label still holds (not withdrawn), or None."""
    certificate = certificate_get_for_token(token)
    if certificate is None or certificate.application.state != ApplicationState.LABELLED:
        return None
    return certificate


def certificate_list_for_application(application):
    """Every version of an application's certificate, newest first (the staff history)."""
    return Certificate.objects.filter(application=application).select_related("issued_by")


def certificate_list_for_wave(wave):
    """The version in force of each labelled project of a wave, by number."""
    return (
        Certificate.objects.current()
        .filter(application__wave=wave, application__state=ApplicationState.LABELLED)
        .select_related("application")
        .order_by("sequence")
    )


def certificate_is_downloadable_by(user, certificate):
    """May this account download this version's PDF?

    Staff: every rendered version, superseded or withdrawn ones included (the archive).
    The owner: the rendered version in force, while the label holds. The caller checks
    ``applications.view_application`` first.
    """
    if not certificate.is_rendered:
        return False
    if user.has_perm("label.access_instruction_area"):
        return True
    return (
        certificate.is_current
        and certificate.application.state == ApplicationState.LABELLED
        and certificate.application.owner_id == user.pk
    )


def certificate_wave_archive(*, wave, fileobj):
    """Write a ZIP of the wave's certificates in force into ``fileobj``; return their count.

    One PDF per labelled project, named by its number. Projects whose certificate is not
    rendered yet are listed in a text file of the archive instead, so nobody thinks the
    archive complete when it is not.
    """
    from applications.models import Application

    certificates = list(certificate_list_for_wave(wave).filter(status=CertificateStatus.RENDERED))
    rendered = {certificate.application_id for certificate in certificates}
    missing = (
        Application.objects.filter(wave=wave, state=ApplicationState.LABELLED)
        .exclude(pk__in=rendered)
        .order_by("reference")
    )
    # PDFs are compressed already: storing them is as small and faster.
    with zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_STORED) as archive:
        for certificate in certificates:
            with certificate.file.open("rb") as pdf:
                archive.writestr(f"{certificate.number}.pdf", pdf.read())
        if missing:
            lines = [
                _("Certificats pas encore disponibles (génération en cours ou en échec) :"),
                *(f"- {app.reference or app.pk} — {app.title}" for app in missing),
            ]
            archive.writestr("certificats-manquants.txt", "\n".join(lines) + "\n")
    return len(certificates)
