"""The rights of the person over their data (RGPD art. 15, 17, 20): download and deletion.

What the deletion of an account does, as /comptes/mes-donnees/supprimer/ and
/donnees-personnelles/ tell it:

- drafts (never filed) are deleted, with their documents, messages and history;
- files being examined (filed, completion requested, eligible, in review, in deliberation)
  are withdrawn first (the workflow's « retrait », recorded in their history): nobody can
  answer for them any more;
- filed files are kept by the Pôle métropolitain, which must keep the record of its
  decisions and the statistics of each wave: their contact fields (name, e-mail and phone
  of the contact person) are erased; the holder organisation, the project, the documents and
  the messages already sent stay with the file, no longer linked to the account, until the
  file's own retention ends (label/retention.py: 5 years after a negative end, then
  anonymised; labelled projects stay in the public catalogue);
- the account itself is deleted when no file is kept; otherwise it is anonymised (unique
  non-deliverable address, name replaced, organisation and phone erased, password made
  unusable, roles removed, login impossible), since the kept files must still point to an
  owner; the second factor and its recovery codes, the sent mails addressed to it and the
  expressions of interest left with its address are deleted.

Accounts with a staff, review or jury role cannot delete themselves: their actions are part
of the public body's records; they write to the team (see the page).
"""

import json
import uuid
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import PurePath

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.otp import device_get_confirmed, device_remove
from applications import selectors as application_selectors
from applications import workflow
from applications.answers import answers_export
from applications.enums import ApplicationState
from applications.models import Application, Attachment, ExpressionOfInterest, Message
from applications.uploads import display_name
from label.audit import audit_record
from label.enums import OutboxStatus, Role
from label.models import AuditAction, OutboxMail

ANONYMISED_EMAIL_DOMAIN = "compte-supprime.invalid"
ANONYMISED_NAME = "Compte supprimé"
# Roles whose holders cannot delete their own account (their work is a public record).
STAFF_ROLES = frozenset({Role.INSTRUCTION, Role.REVIEWER, Role.JURY})
# Fields of an application that are internal to the team or technical: not exported.
EXPORT_EXCLUDED_FIELDS = {
    "answers",  # exported with their questions, below
    "owner",
    "search_text",
    "themes_index",
    "reference_number",
    "eligibility_checklist",
    "missing_reviews_waived",
}
# Contact fields erased from kept files when their owner's account goes.
CONTACT_FIELDS = ("contact_name", "contact_email", "contact_phone")


def anonymised_email():
    """A unique address that can never receive mail (.invalid is reserved, RFC 2606)."""
    return f"supprime-{uuid.uuid4().hex}@{ANONYMISED_EMAIL_DOMAIN}"


def is_anonymised(user):
    return user.email.endswith(f"@{ANONYMISED_EMAIL_DOMAIN}")


# --- Download ---------------------------------------------------------------------------------


def _json_value(value):
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _application_fields(application):
    data = {}
    for field in Application._meta.concrete_fields:
        if field.name in EXPORT_EXCLUDED_FIELDS:
            continue
        if field.is_relation:
            related = getattr(application, field.name)
            data[field.name] = str(related) if related is not None else None
            if field.name == "carried_over_from" and related is not None:
                data[field.name] = related.reference or related.pk
            continue
        data[field.name] = _json_value(getattr(application, field.attname))
    data["state_label"] = application.get_state_display()
    return data


def _attachment_archive_name(application, attachment):
    """A safe path inside the ZIP: no directory from the stored name, no traversal."""
    name = PurePath(display_name(attachment.original_name, attachment.extension)).name
    folder = application.reference or f"brouillon-{application.pk}"
    return f"pieces/{folder}/{attachment.pk}-{name}"


def account_export_data(user):
    """Everything the portal holds about the person, as JSON-ready data, and the documents.

    Returns (data, documents) where documents is a list of (attachment, path in the ZIP):
    the files of the person's own applications, except those put there by someone else.
    """
    applications = list(
        Application.objects.filter(owner=user)
        .select_related("wave", "carried_over_from")
        .prefetch_related("communes")
        .order_by("created_at", "pk")
    )
    documents = []
    exported = []
    for application in applications:
        attachments = [
            attachment
            for attachment in Attachment.objects.filter(application=application).order_by("pk")
            if attachment.uploaded_by_id in (None, user.pk)
        ]
        files = []
        for attachment in attachments:
            path = _attachment_archive_name(application, attachment)
            documents.append((attachment, path))
            files.append(
                {
                    "name": attachment.original_name,
                    "kind": attachment.get_kind_display(),
                    "size": attachment.size,
                    "sha256": attachment.sha256,
                    "added_at": _json_value(attachment.created_at),
                    "file": path,
                }
            )
        exported.append(
            {
                **_application_fields(application),
                "wave": {"number": application.wave.number, "title": application.wave.title},
                "communes": [
                    {"insee_code": commune.insee_code, "name": commune.name}
                    for commune in application.communes.all()
                ],
                # The answers to the wave's form, with their questions, in form order.
                "answers": answers_export(application),
                "timeline": [
                    {
                        "date": _json_value(event.created_at),
                        "event": event.get_transition_display(),
                        "from_state": event.from_state,
                        "to_state": event.to_state,
                        "by_you": event.by_owner,
                        "message": event.message,
                    }
                    for event in application_selectors.application_event_list_public(application)
                ],
                "messages": [
                    {
                        "date": _json_value(message.created_at),
                        "from": "instruction" if message.from_instruction else "you",
                        "body": message.body,
                        "attachment": message.attachment.original_name
                        if message.attachment
                        else None,
                    }
                    for message in application_selectors.message_list_for_application(application)
                ],
                "attachments": files,
            }
        )
    data = {
        "generated_at": _json_value(timezone.now()),
        "account": {
            "email": user.email,
            "full_name": user.full_name,
            "organisation": user.organisation,
            "phone": user.phone,
            "date_joined": _json_value(user.date_joined),
            "email_confirmed_at": _json_value(user.email_confirmed_at),
            "last_login": _json_value(user.last_login),
            "roles": sorted(user.role_names),
            "two_factor_enabled": device_get_confirmed(user) is not None,
        },
        "applications": exported,
        "expressions_of_interest": [
            {"date": _json_value(item.created_at), "message": item.message}
            for item in ExpressionOfInterest.objects.filter(email__iexact=user.email)
        ],
        "mails": [
            {"date": _json_value(mail.created_at), "subject": mail.subject, "status": mail.status}
            for mail in OutboxMail.objects.filter(recipient=user).order_by("created_at")
        ],
    }
    return data, documents


README_TEXT = """Vos données du portail du Label Euralens
=========================================

- donnees.json : votre compte, vos candidatures (champs du dossier, communes, plan de
  financement, historique visible par vous, messages échangés), vos manifestations
  d'intérêt et la liste des e-mails que le portail vous a envoyés ;
- pieces/ : les documents que vous avez joints à vos candidatures, rangés par dossier.

Le format JSON est lisible par tout éditeur de texte et réutilisable (droit à la
portabilité, article 20 du RGPD). Pour toute question : voir la page « Données
personnelles » du portail.
"""


def account_export_zip(*, user, fileobj):
    """Write the person's data as a ZIP (donnees.json, LISEZMOI.txt, pieces/...) to fileobj."""
    data, documents = account_export_data(user)
    missing = []
    with zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for attachment, path in documents:
            try:
                with attachment.file.open("rb") as handle:
                    archive.writestr(path, handle.read())
            except (FileNotFoundError, OSError):
                missing.append(path)
        if missing:
            data["missing_files"] = missing
        archive.writestr(
            "donnees.json", json.dumps(data, ensure_ascii=False, indent=2, default=str)
        )
        archive.writestr("LISEZMOI.txt", README_TEXT)
    return data


# --- Deletion ---------------------------------------------------------------------------------


def account_deletion_refusal(user):
    """Why this account cannot delete itself (a sentence), or ""."""
    if user.is_staff or user.is_superuser or STAFF_ROLES & user.role_names:
        return _(
            "Votre compte a un rôle dans l'instruction, l'évaluation ou le jury du label : "
            "vos actions font partie des dossiers du Pôle métropolitain. Pour le fermer, "
            "écrivez à l'équipe du label (voir la page « Données personnelles »)."
        )
    return ""


def account_deletion_plan(user):
    """What deleting the account would do to each of its applications.

    Returns a dict: drafts (deleted), in_progress (withdrawn, then kept), kept (kept with
    their contact fields erased), and delete_account (True when no file is kept, so the
    account row itself goes; otherwise it is anonymised).
    """
    applications = list(
        Application.objects.filter(owner=user).select_related("wave").order_by("created_at")
    )
    drafts = [item for item in applications if item.state == ApplicationState.DRAFT]
    in_progress = [item for item in applications if item.is_withdrawable]
    kept = [
        item
        for item in applications
        if item.state != ApplicationState.DRAFT and not item.is_withdrawable
    ]
    return {
        "drafts": drafts,
        "in_progress": in_progress,
        "kept": kept,
        "delete_account": not in_progress and not kept,
    }


def application_delete_draft(application):
    """Delete a draft with everything hanging on it; its stored files go after the commit."""
    names = [
        (attachment.file.storage, attachment.file.name)
        for attachment in Attachment.objects.filter(application=application)
    ]
    application.delete()
    for storage, name in names:
        transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))


def user_anonymise(user):
    """Strip an account of its identity and lock it; the row stays for the files it owns."""
    user.email = anonymised_email()
    user.full_name = ANONYMISED_NAME
    user.organisation = ""
    user.phone = ""
    user.is_active = False
    user.email_confirmed_at = None
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    user.__dict__.pop("_role_names", None)


def account_traces_forget(user):
    """Remove what hangs on an account besides its files: 2FA, sent mails, interests."""
    device_remove(user=user)
    # Mails still to be sent (e.g. the withdrawal notices of this deletion) go out first;
    # the retention task deletes them once sent.
    OutboxMail.objects.filter(recipient=user).exclude(status=OutboxStatus.PENDING).delete()
    ExpressionOfInterest.objects.filter(email__iexact=user.email).delete()


def kept_applications_erase_contact(*, user):
    """Erase the contact fields of the account's kept files and unlink its messages."""
    kept = Application.objects.filter(owner=user).exclude(state=ApplicationState.DRAFT)
    count = kept.update(**dict.fromkeys(CONTACT_FIELDS, ""))
    Message.objects.filter(application__owner=user, author=user).update(author=None)
    Attachment.objects.filter(application__owner=user, uploaded_by=user).update(uploaded_by=None)
    return count


@transaction.atomic
def account_delete(*, user, request=None):
    """Delete or anonymise an account at its owner's request (see the module's docstring).

    Effects, in order: refuse staff roles; withdraw the files being examined (history rows
    and mails as for any withdrawal); delete the drafts and their stored files (after the
    commit); erase the contact fields of the kept files and unlink the person's messages and
    documents; delete the second factor, the sent mails and the expressions of interest;
    delete the account, or anonymise it when files are kept; one audit event.
    Returns the plan that was carried out.
    """
    refusal = account_deletion_refusal(user)
    if refusal:
        raise PermissionDenied(refusal)
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    plan = account_deletion_plan(user)
    for application in plan["in_progress"]:
        workflow.application_withdraw(application=application, by=user)
    for application in plan["drafts"]:
        application_delete_draft(application)
    kept_applications_erase_contact(user=user)
    account_traces_forget(user)
    user_id = user.pk
    summary = {
        "drafts_deleted": len(plan["drafts"]),
        "withdrawn": len(plan["in_progress"]),
        "kept": len(plan["in_progress"]) + len(plan["kept"]),
        "account_deleted": plan["delete_account"],
    }
    if plan["delete_account"]:
        user.delete()
    else:
        user_anonymise(user)
    audit_record(
        action=AuditAction.ACCOUNT_DELETED,
        request=request,
        actor=None,
        object_type="user",
        object_id=user_id,
        extra=summary,
    )
    return plan
