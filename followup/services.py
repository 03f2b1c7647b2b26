"""Writes of the follow-up that own a rule or a side effect: convention, support requests."""

import hashlib

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from catalogue.models import catalogue_touch
from followup import selectors
from followup.enums import ConventionStatus, SupportKind, SupportRequestStatus
from followup.models import Convention, ConventionModel, SupportMessage, SupportRequest
from label.audit import audit_record, client_ip
from label.enums import Role
from label.models import AuditAction, User
from label.pdf import render_pdf
from label.services import outbox_enqueue


def convention_model_get(wave):
    """The wave's model text of the convention, created with the default text if missing."""
    model, _created = ConventionModel.objects.get_or_create(wave=wave)
    return model


def convention_get_or_create(application):
    """The convention of a labelled application, created pending with every kind of support."""
    convention, _created = Convention.objects.get_or_create(
        application=application, defaults={"support": list(SupportKind.values)}
    )
    return convention


def _jury_atouts(application):
    """The strengths the jury recognised (« atouts »), when the jury's decision records them."""
    return selectors.public_followup_for_application(application.pk)["atouts"]


def convention_render_pdf(convention):
    """The PDF of a convention as it reads now: frozen bytes once accepted, else rendered."""
    if convention.is_accepted and convention.pdf:
        with convention.pdf.open("rb") as stored:
            return stored.read()
    return _render(convention)


def _render(convention):
    application = convention.application
    model = convention_model_get(application.wave)
    # The convention is printed in French (render_pdf's language): its title too.
    with translation.override("fr"):
        title = _("Convention d'accompagnement — %(reference)s") % {
            "reference": application.reference or application.pk
        }
    return render_pdf(
        template_name="followup/convention_pdf.html",
        context={
            "convention": convention,
            "application": application,
            "model": model,
            "communes": list(application.communes.all()),
            "holder_commitments": _lines(model.holder_commitments),
            "pma_commitments": _lines(model.pma_commitments),
            "support_labels": convention.support_labels(),
            "atouts": _jury_atouts(application),
        },
        title=title,
    )


def _lines(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


@transaction.atomic
def convention_choose_support(*, convention, support, by):
    """Record the support the holder chooses, while the convention is not accepted yet."""
    convention = Convention.objects.select_for_update().get(pk=convention.pk)
    if convention.is_accepted:
        raise ValidationError(_("La convention est déjà acceptée : elle ne peut plus changer."))
    convention.support = [code for code in SupportKind.values if code in set(support)]
    convention.save(update_fields=["support"])
    return convention


@transaction.atomic
def convention_accept(*, convention, by, name, capacity, request=None):
    """The holder accepts the convention online.

    Effects, in order: the row is locked; the holder's right is checked; the PDF as it reads
    now is rendered with the signatory's name and capacity and frozen in private storage with
    its SHA-256; name, capacity, time and client address are kept on the convention and in the
    audit trail; the instruction team is told by mail through the outbox.
    """
    convention = (
        Convention.objects.select_for_update(of=("self",))
        .select_related("application__wave", "application__owner")
        .get(pk=convention.pk)
    )
    application = convention.application
    if not by.has_perm("followup.act_as_holder", application):
        raise PermissionDenied
    if convention.is_accepted:
        raise ValidationError(_("Cette convention a déjà été acceptée."))
    if not name.strip() or not capacity.strip():
        raise ValidationError(_("Indiquez votre nom et votre qualité."))
    now = timezone.now()
    convention.accepted_at = now
    convention.accepted_by = by
    convention.accepted_name = name.strip()[:150]
    convention.accepted_capacity = capacity.strip()[:150]
    convention.accepted_ip = client_ip(request) if request is not None else None
    convention.status = ConventionStatus.ACCEPTED
    content = _render(convention)
    convention.sha256 = hashlib.sha256(content).hexdigest()
    convention.pdf.save("convention.pdf", ContentFile(content), save=False)
    convention.save()
    audit_record(
        # The trail has no kind for a signature yet: a form sent, named by its URL name.
        action=AuditAction.STAFF_ACTION,
        request=request,
        actor=by,
        name="followup:convention_accept",
        object_type="convention",
        object_id=convention.pk,
        application_id=application.pk,
        application_reference=application.reference,
        extra={
            "event": "convention_accepted",
            "name": convention.accepted_name,
            "capacity": convention.accepted_capacity,
            "accepted_at": now.isoformat(),
            "sha256": convention.sha256,
        },
    )
    # The public page says « convention en cours » until now, and is kept in a cache.
    transaction.on_commit(catalogue_touch)
    _notify_staff(
        template="followup_convention_accepted",
        context={"application": application, "convention": convention},
    )
    return convention


@transaction.atomic
def convention_countersign(*, convention, by):
    """Staff countersign an accepted convention; the holder is told by mail."""
    convention = (
        Convention.objects.select_for_update(of=("self",))
        .select_related("application__owner")
        .get(pk=convention.pk)
    )
    if not by.has_perm("followup.manage_followup", convention.application):
        raise PermissionDenied
    if convention.status != ConventionStatus.ACCEPTED:
        raise ValidationError(
            _("Seule une convention acceptée par le porteur peut être contresignée.")
        )
    convention.status = ConventionStatus.COUNTERSIGNED
    convention.countersigned_at = timezone.now()
    convention.countersigned_by = by
    convention.save(update_fields=["status", "countersigned_at", "countersigned_by"])
    owner = convention.application.owner
    outbox_enqueue(
        to=owner.email,
        recipient=owner,
        template="followup_convention_countersigned",
        context={"application": convention.application, "convention": convention},
    )
    return convention


def _staff_accounts():
    return list(User.objects.filter(is_active=True, groups__name=Role.INSTRUCTION).distinct())


def _notify_staff(*, template, context, only=None):
    """Mail the instruction team (or one staff owner) through the outbox."""
    recipients = [only] if only is not None else _staff_accounts()
    for user in recipients:
        outbox_enqueue(to=user.email, recipient=user, template=template, context=context)


def followup_url(application):
    """The holder's follow-up page of an application, as an absolute URL for mails."""
    return settings.SITE_URL + reverse("followup:holder", args=[application.pk])


# --- Support requests -------------------------------------------------------------------------


@transaction.atomic
def support_request_create(*, application, by, kind, subject, body):
    """The holder asks for support: the request and its first message; staff are told."""
    if not by.has_perm("followup.act_as_holder", application):
        raise PermissionDenied
    support_request = SupportRequest.objects.create(
        application=application, kind=kind, subject=subject.strip()[:200], created_by=by
    )
    SupportMessage.objects.create(request=support_request, author=by, body=body.strip())
    _notify_staff(
        template="followup_request_new",
        context={"application": application, "support_request": support_request, "body": body},
    )
    return support_request


@transaction.atomic
def support_message_add(*, support_request, by, body):
    """Add a message to a request's thread and tell the other side by mail.

    A message from staff goes to the holder; a message from the holder goes to the request's
    staff owner, or to the whole team while nobody owns it. A closed request is reopened by a
    holder's message.
    """
    support_request = (
        SupportRequest.objects.select_for_update(of=("self",))
        .select_related("application__owner", "owner")
        .get(pk=support_request.pk)
    )
    application = support_request.application
    from_staff = by.has_perm("followup.manage_followup", application)
    if not from_staff and not by.has_perm("followup.act_as_holder", application):
        raise PermissionDenied
    message = SupportMessage.objects.create(
        request=support_request, author=by, from_staff=from_staff, body=body.strip()
    )
    context = {"application": application, "support_request": support_request, "body": body}
    if from_staff:
        if support_request.status == SupportRequestStatus.OPEN:
            support_request.status = SupportRequestStatus.IN_PROGRESS
        if support_request.owner_id is None:
            support_request.owner = by
        support_request.save(update_fields=["status", "owner", "updated_at"])
        owner = application.owner
        outbox_enqueue(
            to=owner.email, recipient=owner, template="followup_request_reply", context=context
        )
    else:
        if support_request.status == SupportRequestStatus.CLOSED:
            support_request.status = SupportRequestStatus.OPEN
        support_request.save(update_fields=["status", "updated_at"])
        _notify_staff(
            template="followup_request_message", context=context, only=support_request.owner
        )
    return message


@transaction.atomic
def support_request_update(*, support_request, by, status, owner):
    """Staff set a request's status and its staff owner."""
    support_request = SupportRequest.objects.select_for_update().get(pk=support_request.pk)
    if not by.has_perm("followup.manage_followup", support_request.application):
        raise PermissionDenied
    support_request.status = status
    support_request.owner = owner
    support_request.save(update_fields=["status", "owner", "updated_at"])
    return support_request
