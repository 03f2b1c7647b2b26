"""The editor of the dossier d'intention (/mon-espace/candidatures/<pk>/dossier/...).

Starting a draft, the sections of the editor with their progress and checklist, the
autosave endpoint, and the documents (add, download, remove). Every page reads the
application among the account's own: another account's file answers 404 and shows
nothing. Writes go through applications.services only.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from applications import selectors, services
from applications.conditions import REQUIRED_ATTACHMENT_KINDS, _budget_problems, missing_items
from applications.enums import AttachmentKind
from applications.forms import (
    DOSSIER_SECTIONS,
    FINANCING_PREFIX,
    SECTIONS_BY_SLUG,
    AttachmentForm,
    ProjectForm,
)
from applications.models import Attachment
from applications.uploads import ACCEPTED_FORMATS_LABEL
from applications.views.mixins import OwnApplicationMixin
from applications.workflow import application_create
from label.enums import Epci
from label.selectors import wave_get_current
from label.text import french_sort_key

SUMMARY_SLUG = "recapitulatif"


# --- Progress and checklist -------------------------------------------------------------------


def _section_messages(application):
    """For each section, the sentences of `missing_items` that this section fixes.

    `conditions.missing_items` is the rule (it is the guard of submit); this only sorts its
    sentences by section, from the same source strings. tests/applications/test_dossier.py
    checks that every sentence of an empty dossier finds its section.
    """

    def field(label):
        return _("Renseignez %(field)s.") % {"field": label}

    return {
        "porteur": [
            field(_("le nom de la structure porteuse")),
            field(_("le type de porteur")),
            field(_("l'adresse du porteur")),
            field(_("la personne à contacter")),
            field(_("l'e-mail du contact")),
            field(_("le téléphone du contact")),
        ],
        "projet": [
            field(_("le titre du projet")),
            field(_("le résumé")),
            field(_("la description")),
            field(_("l'état d'avancement")),
            _("Choisissez au moins une thématique."),
            _("Choisissez au moins une commune du territoire, ou « tout le territoire »."),
        ],
        "contribution": [
            field(_("la contribution à la transition (A)")),
            field(_("la faisabilité (B)")),
            field(_("la diffusion (C)")),
            field(_("l'innovation (D)")),
        ],
        "budget": [
            field(_("les partenaires")),
            field(_("les étapes et le calendrier")),
            field(_("la stratégie de diffusion")),
            field(_("l'accompagnement attendu")),
            # The budget sentences carry amounts: the rule's own helper writes them.
            *_budget_problems(application),
        ],
        "pieces": [
            _("Joignez la pièce obligatoire : %(kind)s.") % {"kind": AttachmentKind(kind).label}
            for kind in REQUIRED_ATTACHMENT_KINDS
        ],
        "consentement": [_("Acceptez le traitement de vos données personnelles.")],
    }


def dossier_checklist(application):
    """What the dossier lacks, by section: (rows, other).

    `rows` has one dict per section (section, url, missing sentences, complete); `other`
    holds the sentences of `missing_items` that no section claims (none, today).
    """
    missing = missing_items(application)
    by_section = _section_messages(application)
    claimed = set()
    rows = []
    for section in DOSSIER_SECTIONS:
        expected = set(by_section[section.slug])
        items = [item for item in missing if item in expected]
        claimed.update(items)
        rows.append(
            {
                "section": section,
                "url": reverse(
                    "applications:dossier", kwargs={"pk": application.pk, "section": section.slug}
                ),
                "missing": items,
                "complete": not items,
            }
        )
    other = [item for item in missing if item not in claimed]
    return rows, other


def _error_anchor(bound_field):
    """The id a summary link should point at (the first box of a group of checkboxes)."""
    anchors = getattr(bound_field.form, "error_anchors", {})
    if bound_field.name in anchors:
        return anchors[bound_field.name]
    if bound_field.id_for_label:
        return bound_field.id_for_label
    return f"{bound_field.auto_id}_0"


def _error_list(form):
    """The errors of a section form (and of its financing lines), for the summary at the top."""
    if form is None:
        return []
    errors = [(None, None, error) for error in form.non_field_errors()]
    for bound_field in form:
        errors.extend(
            (bound_field.label, _error_anchor(bound_field), error) for error in bound_field.errors
        )
    financing = getattr(form, "financing", None)
    if financing is not None and financing.is_bound:
        errors.extend((None, None, error) for error in financing.non_form_errors())
        for number, line in enumerate(financing.forms, start=1):
            for bound_field in line:
                errors.extend(
                    (
                        _("%(field)s, ligne %(number)d")
                        % {"field": bound_field.label, "number": number},
                        bound_field.id_for_label,
                        error,
                    )
                    for error in bound_field.errors
                )
    return errors


def _json_errors(form):
    """Field errors keyed by the names of the inputs, for the autosave's answer."""
    errors = {form.add_prefix(name): list(messages_) for name, messages_ in form.errors.items()}
    financing = getattr(form, "financing", None)
    if financing is not None and financing.is_bound:
        for line in financing.forms:
            for name, messages_ in line.errors.items():
                errors[line.add_prefix(name)] = list(messages_)
        if financing.non_form_errors():
            errors[FINANCING_PREFIX] = list(financing.non_form_errors())
    return errors


def _commune_groups(form):
    """The communes of the territory by agglomeration, with their checked state."""
    selected = form.selected_commune_ids()
    groups = {code: [] for code in Epci.values}
    # Sorted in Python: databases put « Bénifontaine » after « Bully-les-Mines ».
    communes = sorted(form.fields["communes"].queryset, key=lambda c: french_sort_key(c.name))
    for commune in communes:
        groups.setdefault(commune.epci, []).append((commune, str(commune.pk) in selected))
    return [
        {"code": code, "label": Epci(code).label, "communes": communes}
        for code, communes in groups.items()
        if communes
    ]


def _financing_summary(application):
    """The total of the saved plan against the cost, as the budget section shows it."""
    lines = list(application.financing_lines.all())
    financed = sum((line.amount for line in lines), start=0)
    cost = application.total_cost
    return {
        "financed": financed,
        "cost": cost,
        "balanced": cost is not None and bool(lines) and financed == cost,
        "gap": (cost - financed) if cost is not None else None,
        "problems": _budget_problems(application),
    }


# --- Views ------------------------------------------------------------------------------------


class ApplicationStartView(LoginRequiredMixin, View):
    """« Commencer une candidature »: a new draft in the open wave, then its editor."""

    http_method_names = ["post"]

    def post(self, request):
        wave = wave_get_current()
        if wave is None:
            messages.error(
                request,
                _(
                    "Aucun appel à candidatures n'est ouvert : vous ne pouvez pas commencer "
                    "de dossier."
                ),
            )
            return redirect("applications:applicant_home")
        application = application_create(wave=wave, by=request.user)
        messages.success(
            request,
            _(
                "Votre dossier est créé. Il est enregistré comme brouillon : vous pouvez le "
                "compléter en plusieurs fois."
            ),
        )
        return redirect("applications:dossier", pk=application.pk, section=DOSSIER_SECTIONS[0].slug)


class DossierBaseView(OwnApplicationMixin, TemplateView):
    """What every page of the editor shows around its content: steps and checklist."""

    owner_selector = staticmethod(selectors.application_get_own_for_edit)

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.application = self.get_application()
        refusal = self.refuse_if_not_editable(self.application)
        if refusal is not None:
            return refusal
        return super().dispatch(request, *args, **kwargs)

    def progress_context(self, current):
        rows, other = dossier_checklist(self.application)
        done = sum(row["complete"] for row in rows)
        return {
            "application": self.application,
            "steps": rows,
            "steps_done": done,
            "steps_total": len(rows),
            "other_missing": other,
            "current_slug": current,
            "summary_url": reverse(
                "applications:dossier_summary", kwargs={"pk": self.application.pk}
            ),
        }


class DossierSummaryView(DossierBaseView):
    """The summary of the dossier: each section, complete or not, and what it lacks."""

    template_name = "applications/dossier_summary.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(self.progress_context(SUMMARY_SLUG))
        context["is_complete"] = (
            all(row["complete"] for row in context["steps"]) and not context["other_missing"]
        )
        context["attachments"] = list(self.application.attachments.all())
        return context


class DossierSectionView(DossierBaseView):
    """One section of the editor: shows it, saves it ("Enregistrer", "… et continuer")."""

    template_name = "applications/dossier_section.html"

    def dispatch(self, request, *args, **kwargs):
        self.section = SECTIONS_BY_SLUG.get(kwargs["section"])
        if self.section is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    # Section forms

    def build_form(self, data=None):
        if self.section.form_class is None:
            return None
        return self.section.form_class(data, instance=self.application)

    def saved_flag_key(self):
        return f"dossier-saved-{self.application.pk}"

    def get(self, request, *args, **kwargs):
        # Tells the autosave script that the last submit of this section reached the server.
        just_saved = request.session.pop(self.saved_flag_key(), None) == self.section.slug
        return self.render_page(form=self.build_form(), just_saved=just_saved)

    def post(self, request, *args, **kwargs):
        if self.section.slug == "pieces":
            return self.post_attachment(request)
        form = self.build_form(request.POST)
        if not form.is_valid():
            return self.render_page(form=form)
        try:
            application = services.application_update_section(
                application=self.application,
                by=request.user,
                section=self.section.slug,
                values=form.section_values(),
            )
        except PermissionDenied:
            return self.refuse_if_not_editable(self.application) or redirect(request.path)
        except ValidationError as error:
            form.add_error(None, error)
            return self.render_page(form=form)
        request.session[self.saved_flag_key()] = self.section.slug
        messages.success(
            request,
            _("La section « %(title)s » est enregistrée.") % {"title": self.section.title},
        )
        if self.section.slug == "budget":
            for problem in _budget_problems(application):
                messages.warning(request, problem)
        if request.POST.get("action") == "continue":
            return redirect(self.next_url())
        return redirect(request.path)

    # Documents

    def post_attachment(self, request):
        upload_form = AttachmentForm(request.POST, request.FILES)
        if upload_form.is_valid():
            try:
                attachment = services.attachment_add(
                    application=self.application,
                    by=request.user,
                    kind=upload_form.cleaned_data["kind"],
                    upload=upload_form.cleaned_data["file"],
                )
            except PermissionDenied:
                return self.refuse_if_not_editable(self.application) or redirect(request.path)
            except ValidationError as error:
                upload_form.add_error("file", error)
            else:
                messages.success(
                    request,
                    _("La pièce « %(name)s » est ajoutée.") % {"name": attachment.original_name},
                )
                return redirect(request.path)
        return self.render_page(form=None, upload_form=upload_form)

    # Page

    def next_url(self):
        slugs = [section.slug for section in DOSSIER_SECTIONS]
        index = slugs.index(self.section.slug)
        if index + 1 < len(slugs):
            return reverse(
                "applications:dossier",
                kwargs={"pk": self.application.pk, "section": slugs[index + 1]},
            )
        return reverse("applications:dossier_summary", kwargs={"pk": self.application.pk})

    def previous_url(self):
        slugs = [section.slug for section in DOSSIER_SECTIONS]
        index = slugs.index(self.section.slug)
        if index == 0:
            return ""
        return reverse(
            "applications:dossier", kwargs={"pk": self.application.pk, "section": slugs[index - 1]}
        )

    def render_page(self, *, form, upload_form=None, just_saved=False):
        context = self.get_context_data(form=form, just_saved=just_saved)
        context.update(self.progress_context(self.section.slug))
        current = next(row for row in context["steps"] if row["section"] == self.section)
        errors = _error_list(form)
        if upload_form is not None:
            errors.extend(_error_list(upload_form))
        context.update(
            {
                "section": self.section,
                "section_missing": current["missing"],
                "section_template": f"applications/_dossier_{self.section.slug}.html",
                "errors": errors,
                "next_url": self.next_url(),
                "previous_url": self.previous_url(),
                "is_last": self.section == DOSSIER_SECTIONS[-1],
                "autosave_url": reverse(
                    "applications:dossier_autosave",
                    kwargs={"pk": self.application.pk, "section": self.section.slug},
                )
                if self.section.autosave
                else "",
            }
        )
        if isinstance(form, ProjectForm):
            context["commune_groups"] = _commune_groups(form)
        if self.section.slug == "budget":
            context["financing"] = _financing_summary(self.application)
        if self.section.slug == "pieces":
            context.update(self.attachments_context(upload_form or AttachmentForm()))
        return self.render_to_response(context)

    def attachments_context(self, upload_form):
        attachments = list(
            self.application.attachments.filter(message__isnull=True).order_by("kind", "created_at")
        )
        used = services.attachments_stored_size(self.application)
        limit = settings.APPLICATION_ATTACHMENTS_MAX_TOTAL
        return {
            "upload_form": upload_form,
            "attachments": attachments,
            "required_kinds": [AttachmentKind(kind).label for kind in REQUIRED_ATTACHMENT_KINDS],
            "used_size": used,
            "total_limit": limit,
            "left_size": max(limit - used, 0),
            "file_limit": settings.ATTACHMENT_MAX_SIZE,
            "accepted_formats": ACCEPTED_FORMATS_LABEL,
        }


class DossierAutosaveView(OwnApplicationMixin, View):
    """Autosave of a section while typing (JavaScript): saves what validates, says the rest.

    Answers JSON: ``saved`` (the fields written), ``errors`` (field name → messages; those
    fields keep their saved value, an invalid value never replaces a valid one), and
    ``saved_at`` (HH:MM, Paris time). Refusals answer JSON too, so the script can say why.
    """

    owner_selector = staticmethod(selectors.application_get_own_for_edit)

    http_method_names = ["post"]

    def handle_no_permission(self):
        return JsonResponse(
            {"error": _("Votre session a expiré : reconnectez-vous, votre saisie est conservée.")},
            status=401,
        )

    def post(self, request, pk, section):
        dossier_section = SECTIONS_BY_SLUG.get(section)
        if dossier_section is None or not dossier_section.autosave:
            raise Http404
        application = self.get_application()
        if not request.user.has_perm("applications.change_application", application):
            return JsonResponse({"error": _("Ce dossier ne peut plus être modifié.")}, status=403)
        form = dossier_section.form_class(request.POST, instance=application)
        form.is_valid()
        values = form.section_values()
        try:
            if values:
                services.application_update_section(
                    application=application, by=request.user, section=section, values=values
                )
        except PermissionDenied:
            return JsonResponse({"error": _("Ce dossier ne peut plus être modifié.")}, status=403)
        except ValidationError as error:
            return JsonResponse({"saved": [], "errors": {"__all__": error.messages}}, status=200)
        saved_at = date_format(timezone.localtime(), "H:i")
        return JsonResponse(
            {
                "saved": sorted(values),
                "errors": _json_errors(form),
                "saved_at": saved_at,
                "message": _("Brouillon enregistré à %(time)s") % {"time": saved_at},
            }
        )


class AttachmentDownloadView(LoginRequiredMixin, View):
    """Serves a document to whoever may read its file, else 404: the owner and instruction
    (every document), a reviewer or jury member who may open the file (the dossier's
    documents, not the messages'). Each download is audited (label/audit.py)."""

    def get(self, request, pk, attachment_pk):
        attachment = get_object_or_404(
            Attachment.objects.select_related("application"), pk=attachment_pk, application_id=pk
        )
        application = attachment.application
        user = request.user
        # 404, not 403: nobody learns that another account's file exists.
        if not user.has_perm("applications.view_application", application) and (
            not user.has_perm("applications.download_attachment", application)
            or application.attachments.filter(pk=attachment.pk, message__isnull=False).exists()
        ):
            raise Http404
        try:
            handle = attachment.file.open("rb")
        except FileNotFoundError as error:
            raise Http404 from error
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=attachment.original_name,
            content_type=attachment.content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response


class AttachmentDeleteView(OwnApplicationMixin, TemplateView):
    """Removes a document of the dossier after a confirmation, while the file is editable."""

    owner_selector = staticmethod(selectors.application_get_own_for_edit)

    template_name = "applications/dossier_attachment_delete.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.application = self.get_application()
        self.attachment = get_object_or_404(
            self.application.attachments.filter(message__isnull=True), pk=kwargs["attachment_pk"]
        )
        refusal = self.refuse_if_not_editable(self.application)
        if refusal is not None:
            return refusal
        return super().dispatch(request, *args, **kwargs)

    def pieces_url(self):
        return reverse(
            "applications:dossier", kwargs={"pk": self.application.pk, "section": "pieces"}
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "application": self.application,
                "attachment": self.attachment,
                "cancel_url": self.pieces_url(),
            }
        )
        return context

    def post(self, request, *args, **kwargs):
        try:
            services.attachment_remove(attachment=self.attachment, by=request.user)
        except PermissionDenied:
            return self.refuse_if_not_editable(self.application) or redirect(self.pieces_url())
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect(self.pieces_url())
        messages.success(
            request,
            _("La pièce « %(name)s » est supprimée.") % {"name": self.attachment.original_name},
        )
        return redirect(self.pieces_url())
