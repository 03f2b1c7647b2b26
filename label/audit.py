"""Writing the audit trail (label.models.AuditEvent): the reads and actions worth a record.

Two sources, so that no view has to remember it:

- the request: ``AuditMiddleware`` (label/middleware.py) calls ``audit_request`` after every
  response. It records the reads of confidential files listed in ``AUDITED_READS`` (the
  staff page of a file, documents, receipts, certificates, exports, reviews, and the admin's
  change pages) when they were served (200), and every form sent by a signed-in account to
  the staff areas (``STAFF_AREA_PREFIXES``), whatever the answer, so refused attempts are
  kept too. The URL name and its ids say what was touched; the POSTed values are not kept.
- the account's own security events (login, logout, second factor, data export, deletion),
  recorded by label/signals.py and the privacy and 2FA pages with ``audit_record``.

A view added later under /instruction/, /evaluations/, /jury/ or /gestion/ is covered for
its forms without a change; a new page that shows a file must be added to AUDITED_READS
(tests/label/test_audit.py lists the URL names that must be there).
"""

import logging

from django.apps import apps

from label.client import client_ip as resolve_client_ip
from label.models import AuditAction, AuditEvent

logger = logging.getLogger(__name__)

# Pages that show or hand over a file or its documents: one event per served response.
AUDITED_READS = {
    "applications:instruction_detail": AuditAction.VIEW,
    "applications:instruction_export": AuditAction.EXPORT,
    # The file of an export written in the background (applications/views/exports.py).
    "applications:instruction_export_download": AuditAction.EXPORT,
    "applications:attachment_download": AuditAction.DOWNLOAD,
    "applications:receipt": AuditAction.DOWNLOAD,
    "reviews:review": AuditAction.VIEW,
    "reviews:attachment": AuditAction.DOWNLOAD,
    "reviews:staff_review": AuditAction.VIEW,
    "reviews:ranking": AuditAction.VIEW,
    "reviews:jury_wave": AuditAction.VIEW,
    "reviews:jury_file": AuditAction.VIEW,
    "reviews:jury_minutes": AuditAction.DOWNLOAD,
    "reviews:jury_session_minutes": AuditAction.DOWNLOAD,
    "certificates:download": AuditAction.DOWNLOAD,
    "certificates:history": AuditAction.VIEW,
    "certificates:wave_zip": AuditAction.EXPORT,
    # Follow-up of labelled projects: the signed convention, the report photos, the export.
    "followup:convention_pdf": AuditAction.DOWNLOAD,
    "followup:staff_convention_pdf": AuditAction.DOWNLOAD,
    "followup:photo_file": AuditAction.DOWNLOAD,
    "followup:staff_export": AuditAction.EXPORT,
    "followup:staff_detail": AuditAction.VIEW,
}
# The admin's change pages of these apps show a whole object: they count as reads.
AUDITED_ADMIN_APPS = {"applications", "reviews", "label"}
# Where a form sent by a signed-in account is a staff action (or an attempt at one).
STAFF_AREA_PREFIXES = ("/instruction/", "/evaluations/", "/jury/", "/gestion/")
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}

# What an id of the URL designates, by (namespace, parameter), or by URL name for `pk`.
_PARAMETER_TYPES = {
    ("applications", "pk"): "application",
    ("applications", "attachment_pk"): "attachment",
    ("reviews", "attachment_pk"): "attachment",
    ("label", "application_pk"): "application",
    ("label", "wave_pk"): "wave",
    ("reviews", "wave_pk"): "wave",
    ("followup", "pk"): "application",
    ("followup", "photo_pk"): "report_photo",
}
_PK_TYPES = {
    "certificates:download": "certificate",
    "label:wave_update": "wave",
    "reviews:review": "assignment",
    "reviews:engagement": "assignment",
    "reviews:accept": "assignment",
    "reviews:conflict": "assignment",
    "reviews:attachment": "assignment",
    "reviews:staff_review": "review",
    "reviews:review_reopen": "review",
    "reviews:send_to_jury": "application",
    "reviews:committee_update": "committee",
    "reviews:jury_file": "application",
    "reviews:jury_decision": "application",
    "reviews:jury_recuse": "application",
    "reviews:jury_session_update": "jury_session",
    "reviews:revoke_label": "application",
}
# The most precise object of a URL is recorded as its object; the others go to `extra`.
_PRECISION = [
    "attachment",
    "report_photo",
    "certificate",
    "review",
    "assignment",
    "committee",
    "jury_session",
    "application",
]
# How to find the application of an object: (app label, model, lookup of its application id).
_APPLICATION_OF = {
    "certificate": ("label", "Certificate", "application_id"),
    "assignment": ("reviews", "Assignment", "application_id"),
    "review": ("reviews", "Review", "assignment__application_id"),
    "attachment": ("applications", "Attachment", "application_id"),
    "report_photo": ("followup", "ReportPhoto", "report__application_id"),
}


def client_ip(request):
    """The client's address as label/client.py resolves it for axes and the rate limits."""
    try:
        return resolve_client_ip(request) or None
    except Exception:  # noqa: BLE001 -- a malformed header must not break the request
        return None


def _user_agent(request):
    return (request.META.get("HTTP_USER_AGENT") or "")[:300] if request is not None else ""


def _application_reference(application_id):
    if application_id is None:
        return ""
    model = apps.get_model("applications", "Application")
    return model.objects.filter(pk=application_id).values_list("reference", flat=True).first() or ""


def audit_record(
    *,
    action,
    request=None,
    actor=None,
    name="",
    object_type="",
    object_id="",
    application_id=None,
    application_reference=None,
    status_code=None,
    extra=None,
):
    """Append one event to the audit trail; the actor defaults to the request's account."""
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    if application_reference is None:
        application_reference = _application_reference(application_id)
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        action=action,
        name=name[:120],
        object_type=object_type,
        object_id=str(object_id)[:64],
        application_id=application_id,
        application_reference=application_reference or "",
        ip_address=client_ip(request) if request is not None else None,
        user_agent=_user_agent(request),
        status_code=status_code,
        extra=extra or {},
    )


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def describe_target(match):
    """(object type, object id, application id, other ids) of a resolved URL."""
    view_name = match.view_name or ""
    objects = {}
    if view_name.startswith("admin:") and "object_id" in match.kwargs:
        app_model = view_name.split(":", 1)[1].rsplit("_", 1)[0]
        app_label, _sep, model_name = app_model.partition("_")
        object_type = f"{app_label}.{model_name}"
        object_id = match.kwargs["object_id"]
        application_id = None
        if object_type == "applications.application":
            application_id = _int(object_id)
        else:
            application_id = _admin_application_id(app_label, model_name, object_id)
        return object_type, object_id, application_id, {}
    for parameter, value in match.kwargs.items():
        kind = _PARAMETER_TYPES.get((match.namespace, parameter))
        if parameter == "pk" and view_name in _PK_TYPES:
            kind = _PK_TYPES[view_name]
        if kind is not None:
            objects[kind] = value
    object_type = next((kind for kind in _PRECISION if kind in objects), "")
    if not object_type and objects:
        object_type = next(iter(objects))
    object_id = objects.get(object_type, "")
    application_id = _int(objects.get("application"))
    if application_id is None:
        for kind, (app_label, model_name, lookup) in _APPLICATION_OF.items():
            if kind in objects and _int(objects[kind]) is not None:
                model = apps.get_model(app_label, model_name)
                application_id = (
                    model.objects.filter(pk=_int(objects[kind]))
                    .values_list(lookup, flat=True)
                    .first()
                )
                break
    others = {kind: value for kind, value in objects.items() if kind != object_type}
    return object_type, object_id, application_id, others


def _admin_application_id(app_label, model_name, object_id):
    """The application of an object shown in the admin, when it has one."""
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        return None
    field_names = {field.name for field in model._meta.get_fields()}
    if "application" not in field_names or _int(object_id) is None:
        return None
    return model.objects.filter(pk=_int(object_id)).values_list("application_id", flat=True).first()


def _audited_read(match):
    view_name = match.view_name or ""
    if view_name in AUDITED_READS:
        return AUDITED_READS[view_name]
    if view_name.startswith("admin:") and view_name.endswith("_change"):
        app_label = view_name.split(":", 1)[1].split("_", 1)[0]
        if app_label in AUDITED_ADMIN_APPS:
            return AuditAction.VIEW
    return None


def audit_request(request, response):
    """Record the request if it read a confidential file or sent a form to a staff area."""
    match = getattr(request, "resolver_match", None)
    if match is None or not request.user.is_authenticated:
        return None
    if request.method in SAFE_METHODS:
        action = _audited_read(match)
        if action is None or response.status_code != 200:
            return None
    else:
        if not request.path_info.startswith(STAFF_AREA_PREFIXES):
            return None
        action = AuditAction.STAFF_ACTION
    object_type, object_id, application_id, others = describe_target(match)
    extra = {"method": request.method, "path": request.path_info[:300]}
    if others:
        extra["objects"] = others
    return audit_record(
        action=action,
        request=request,
        name=match.view_name or "",
        object_type=object_type,
        object_id=object_id,
        application_id=application_id,
        status_code=response.status_code,
        extra=extra,
    )
