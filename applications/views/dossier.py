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
from applications.conditions import form_spec, missing_entries
from applications.forms import AttachmentForm, DossierForm, dossier_sections
from applications.models import Attachment
from applications.uploads import ACCEPTED_FORMATS_LABEL
from applications.views.mixins import OwnApplicationMixin
from applications.workflow import application_create
from callforms.enums import QuestionKind, TableColumnKind
from callforms.kinds import TABLE_EXTRA_ROWS, TABLE_MAX_ROWS, format_number, kind_for
from label.commune_groups import commune_picker, picker_ids
from label.selectors import wave_get_current

SUMMARY_SLUG = "recapitulatif"


# --- Progress and checklist -------------------------------------------------------------------


def dossier_checklist(application, *, spec=None):
    """What the dossier lacks, by section of the wave's form: (rows, other).

    `rows` has one dict per section (section, url, missing sentences, complete); `other`
    holds the sentences of `missing_items` whose question no section holds (none, today).
    The sentences are those of `conditions.missing_entries`, the rule of the submit guard,
    sorted by the section of their question.
    """
    spec = spec or form_spec(application)
    by_section = {}
    other = []
    for key, message in missing_entries(application, spec=spec):
        question = spec.question(key) or _builtin_question(spec, key)
        if question is None:
            other.append(message)
        else:
            by_section.setdefault(question.section_key, []).append(message)
    rows = [
        {
            "section": section,
            "url": reverse(
                "applications:dossier", kwargs={"pk": application.pk, "section": section.slug}
            ),
            "missing": by_section.get(section.slug, []),
            "complete": not by_section.get(section.slug),
        }
        for section in dossier_sections(spec)
    ]
    return rows, other


def _builtin_question(spec, field_name):
    return next((q for q in spec.builtin_questions() if q.builtin_field == field_name), None)


def _error_anchor(bound_field):
    """The id a summary link should point at (the first box of a group of checkboxes, the
    fieldset of a commune picker)."""
    anchors = getattr(bound_field.form, "error_anchors", {})
    if bound_field.name in anchors:
        return anchors[bound_field.name]
    if bound_field.name in _communes_answer_keys(bound_field.form):
        return picker_ids(bound_field.html_name)["fieldset"]
    if bound_field.id_for_label:
        return bound_field.id_for_label
    return f"{bound_field.auto_id}_0"


def _error_list(form):
    """The errors of a section form, for the summary at the top."""
    if form is None:
        return []
    errors = [(None, None, error) for error in form.non_field_errors()]
    for bound_field in form:
        errors.extend(
            (bound_field.label, _error_anchor(bound_field), error) for error in bound_field.errors
        )
    return errors


def _json_errors(form):
    """Field errors keyed by the names of the inputs, for the autosave's answer."""
    return {form.add_prefix(name): list(messages_) for name, messages_ in form.errors.items()}


def _communes_answer_keys(form):
    """The keys of the section's communes questions staff added (each drawn as a picker)."""
    section = getattr(form, "section_spec", None)
    if section is None:
        return set()
    return {q.key for q in section.questions if q.kind == QuestionKind.COMMUNES}


def _commune_picker(form, question):
    """The picker of a communes question: the portal's own posts commune ids and comes with
    « tout le territoire »; one staff added posts INSEE codes, as its answer stores them."""
    if question.kind == QuestionKind.BUILTIN:
        return commune_picker(
            form["communes"],
            communes=form.fields["communes"].queryset,
            territory=form["territory_wide"],
        )
    # The communes kind has no « tout le territoire » option: its answer is a list of codes.
    return commune_picker(form[question.key], attribute="insee_code")


def _table_total(application, question, missing):
    """The saved total of a table question against the builtin it must equal (the financing
    plan against the total cost), as the section shows it under the table."""
    target = question.options.get("total_equals")
    if not target:
        return None
    rows = (application.answers or {}).get(question.key) or []
    financed = kind_for(question.kind).total(question, rows)
    cost = getattr(application, target, None)
    return {
        "financed": financed,
        "cost": cost,
        "balanced": cost is not None and bool(rows) and financed == cost,
        "problems": [message for key, message in missing if key == question.key],
    }


def _table_rows(bound_field, question):
    """The rows of a table question as inputs (names as callforms' TableWidget reads them),
    with a few empty rows to fill, and the template of one more row for the script."""
    columns = list(question.options.get("columns") or [])
    value = bound_field.value()
    rows = list(value) if isinstance(value, (list, tuple)) else []
    rows = rows[:TABLE_MAX_ROWS] + [{} for _index in range(TABLE_EXTRA_ROWS)]
    name = bound_field.html_name
    errors = set(bound_field.errors)
    # What was typed comes back as typed; a saved amount is written the French way.
    typed = bound_field.form.is_bound

    def cells(index, row):
        return [
            {
                "column": column,
                "name": f"{name}-{index}-{column['key']}",
                "id": f"{bound_field.auto_id}-{index}-{column['key']}",
                "value": _cell_value(column, row.get(column["key"]), typed=typed),
                "is_amount": column.get("kind") == TableColumnKind.AMOUNT,
                "is_yesno": column.get("kind") == TableColumnKind.YESNO,
            }
            for column in columns
        ]

    return {
        "name": name,
        "columns": columns,
        "rows": [
            {
                "number": index + 1,
                "cells": cells(index, row),
                "delete_name": f"{name}-{index}-DELETE",
                "delete_id": f"{bound_field.auto_id}-{index}-DELETE",
            }
            for index, row in enumerate(rows)
        ],
        "count": len(rows),
        "template": {
            "number": "__number__",
            "cells": cells("__prefix__", {}),
            "delete_name": f"{name}-__prefix__-DELETE",
            "delete_id": f"{bound_field.auto_id}-__prefix__-DELETE",
        },
        "errors": errors,
    }


def _cell_value(column, value, *, typed=False):
    if column.get("kind") == TableColumnKind.YESNO:
        return value in (True, "true", "on", "1")
    if value is None:
        return ""
    if column.get("kind") == TableColumnKind.AMOUNT and not typed and value != "":
        try:
            return format_number(value, 2)
        except (ArithmeticError, ValueError):
            return str(value)
    return str(value)


def section_items(form, section, application, missing, spec):
    """What the section shows, in the order of the wave's form: one item per question."""
    items = []
    for question in section.spec.questions:
        # « communes » and « consent » name the portal's own pickers (builtin fields below); a
        # communes question staff added is drawn with the commune picker too.
        item = {"question": question, "kind": question.kind}
        if question.kind == QuestionKind.BUILTIN:
            item["kind"] = {"communes": "communes", "consent": "consent"}.get(
                question.builtin_field, "builtin"
            )
            if form is not None and question.builtin_field in form.fields:
                item["field"] = form[question.builtin_field]
                if item["kind"] == "communes":
                    item["picker"] = _commune_picker(form, question)
        elif question.kind == QuestionKind.FILES:
            continue  # listed with the documents of the section
        elif form is not None:
            item["field"] = form[question.key]
            if question.kind == QuestionKind.COMMUNES:
                item["picker"] = _commune_picker(form, question)
            if question.kind == QuestionKind.TABLE:
                item["table"] = _table_rows(form[question.key], question)
                item["total"] = _table_total(application, question, missing)
        if question.condition_key:
            condition = spec.question(question.condition_key)
            item["condition"] = _condition_text(condition, question)
        items.append(item)
    return items


def _condition_text(condition, question):
    if condition is None:
        return ""
    value = question.condition_value
    if condition.kind == QuestionKind.YESNO:
        shown = kind_for(condition.kind).display(condition, value == "true")
    else:
        shown = kind_for(condition.kind).display(condition, value)
    return _("À remplir seulement si vous avez répondu « %(answer)s » à « %(question)s ».") % {
        "answer": shown or value,
        "question": condition.label,
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
        first = dossier_sections(form_spec(application))[0]
        return redirect("applications:dossier", pk=application.pk, section=first.slug)


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
        self.spec = form_spec(self.application)
        self.sections = dossier_sections(self.spec)
        return super().dispatch(request, *args, **kwargs)

    def progress_context(self, current):
        rows, other = dossier_checklist(self.application, spec=self.spec)
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
            "not_carried_over": services.answers_not_carried_over(self.application),
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
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        return super().dispatch(request, *args, **kwargs)

    def get_section(self):
        section = next((s for s in self.sections if s.slug == self.kwargs["section"]), None)
        if section is None:
            raise Http404
        return section

    # Section forms

    def build_form(self, data=None):
        if not self.section.has_form:
            return None
        return DossierForm(data, instance=self.application, section=self.section.spec)

    def saved_flag_key(self):
        return f"dossier-saved-{self.application.pk}"

    def get(self, request, *args, **kwargs):
        self.section = self.get_section()
        # Tells the autosave script that the last submit of this section reached the server.
        just_saved = request.session.pop(self.saved_flag_key(), None) == self.section.slug
        return self.render_page(form=self.build_form(), just_saved=just_saved)

    def post(self, request, *args, **kwargs):
        self.section = self.get_section()
        if self.section.file_questions and (
            "upload" in request.POST or request.FILES or not self.section.has_form
        ):
            return self.post_attachment(request)
        form = self.build_form(request.POST)
        if form is None:
            raise Http404
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
            _add_errors(form, error)
            return self.render_page(form=form)
        request.session[self.saved_flag_key()] = self.section.slug
        messages.success(
            request,
            _("La section « %(title)s » est enregistrée.") % {"title": self.section.title},
        )
        table_keys = {
            q.key
            for q in self.section.spec.questions
            if q.kind == QuestionKind.TABLE and q.options.get("total_equals")
        }
        for key, problem in missing_entries(application, spec=self.spec):
            if key in table_keys:
                messages.warning(request, problem)
        if request.POST.get("action") == "continue":
            return redirect(self.next_url())
        return redirect(request.path)

    # Documents

    def post_attachment(self, request):
        upload_form = AttachmentForm(
            request.POST, request.FILES, file_questions=self.section.file_questions
        )
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
        return self.render_page(form=self.build_form(), upload_form=upload_form)

    # Page

    def next_url(self):
        slugs = [section.slug for section in self.sections]
        index = slugs.index(self.section.slug)
        if index + 1 < len(slugs):
            return reverse(
                "applications:dossier",
                kwargs={"pk": self.application.pk, "section": slugs[index + 1]},
            )
        return reverse("applications:dossier_summary", kwargs={"pk": self.application.pk})

    def previous_url(self):
        slugs = [section.slug for section in self.sections]
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
        missing = missing_entries(self.application, spec=self.spec)
        context.update(
            {
                "section": self.section,
                "section_missing": current["missing"],
                "section_template": "applications/_dossier_questions.html",
                "items": section_items(form, self.section, self.application, missing, self.spec),
                "errors": errors,
                "next_url": self.next_url(),
                "previous_url": self.previous_url(),
                "is_last": self.section == self.sections[-1],
                "autosave_url": reverse(
                    "applications:dossier_autosave",
                    kwargs={"pk": self.application.pk, "section": self.section.slug},
                )
                if self.section.autosave
                else "",
            }
        )
        # The pickers' script is loaded when the section has one.
        context["commune_groups"] = [
            item["picker"]["groups"] for item in context["items"] if "picker" in item
        ]
        if self.section.file_questions:
            context.update(
                self.attachments_context(
                    upload_form or AttachmentForm(file_questions=self.section.file_questions)
                )
            )
        return self.render_to_response(context)

    def attachments_context(self, upload_form):
        keys = [question.key for question in self.section.file_questions]
        attachments = list(
            self.application.attachments.filter(message__isnull=True, kind__in=keys).order_by(
                "created_at", "pk"
            )
        )
        by_key = {}
        for attachment in attachments:
            by_key.setdefault(attachment.kind, []).append(attachment)
        used = services.attachments_stored_size(self.application)
        limit = settings.APPLICATION_ATTACHMENTS_MAX_TOTAL
        file_kind = kind_for(QuestionKind.FILES)
        return {
            "upload_form": upload_form,
            "attachments": attachments,
            "file_questions": [
                {
                    "question": question,
                    "attachments": by_key.get(question.key, []),
                    "accept": ", ".join(
                        ext.lstrip(".").upper() for ext in file_kind.accept(question)
                    ),
                    "max_size_mb": file_kind.max_size_mb(question),
                    "max_files": file_kind.max_files(question),
                }
                for question in self.section.file_questions
            ],
            "required_kinds": [q.label for q in self.section.file_questions if q.required],
            "used_size": used,
            "total_limit": limit,
            "left_size": max(limit - used, 0),
            "file_limit": settings.ATTACHMENT_MAX_SIZE,
            "accepted_formats": ACCEPTED_FORMATS_LABEL,
        }


def _add_errors(form, error):
    """A service's ValidationError on the form: by answer key when it says which."""
    if hasattr(error, "error_dict"):
        for key, messages_ in error.message_dict.items():
            form.add_error(key if key in form.fields else None, messages_)
    else:
        form.add_error(None, error)


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
        application = self.get_application()
        dossier_section = next(
            (s for s in dossier_sections(form_spec(application)) if s.slug == section), None
        )
        if dossier_section is None or not dossier_section.autosave:
            raise Http404
        if not request.user.has_perm("applications.change_application", application):
            return JsonResponse({"error": _("Ce dossier ne peut plus être modifié.")}, status=403)
        form = DossierForm(request.POST, instance=application, section=dossier_section.spec)
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
            _add_errors(form, error)
            return JsonResponse({"saved": [], "errors": _json_errors(form)}, status=200)
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
