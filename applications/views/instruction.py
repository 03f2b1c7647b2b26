"""Pages of the instruction area (/instruction/): dashboard, staff application page, moves.

Only the instruction team enters: an anonymous visitor is sent to the login page, any other
account gets the French 403 page, before any application is looked up (so nothing, not even
whether a file exists, leaks). Every move is a small form view calling one workflow function.
"""

from django.contrib import messages
from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView
from django_fsm import ConcurrentTransition, TransitionNotAllowed, can_proceed

from applications import selectors, services, workflow
from applications.answers import wave_form
from applications.bulk import EXPORT_ACTION, bulk_action_get, bulk_actions, bulk_run
from applications.conditions import eligibility_checklist_items
from applications.enums import ApplicationState
from applications.forms_instruction import (
    BulkSelectionForm,
    DeclareEligibleForm,
    ExportForm,
    MotivationForm,
    ReopenForm,
    RequestChangesForm,
    SelectForReviewForm,
    StaffApplicationFilterForm,
    StaffMessageForm,
    StaffNoteForm,
)
from applications.rules import is_filed_state
from applications.selectors import STAFF_SORTS
from applications.todo import todo_for_wave
from label.models import Wave

PAGE_SIZE = 25


class InstructionAccessMixin(AccessMixin):
    """The instruction team only: login for visitors, the 403 page for other accounts."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not request.user.has_perm("label.access_instruction_area"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class StaffApplicationMixin(InstructionAccessMixin):
    """Loads the application of the URL once the role is checked, then its object rule."""

    application = None

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.has_perm("label.access_instruction_area"):
            self.application = selectors.application_get_for_staff(kwargs["pk"])
            if self.application is None:
                raise Http404
            if not request.user.has_perm("applications.instruct_application", self.application):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def detail_url(self, anchor=""):
        url = reverse("applications:instruction_detail", kwargs={"pk": self.application.pk})
        return f"{url}#{anchor}" if anchor else url


# Dashboard and export


def _selected_wave(request, query=None):
    """The wave of the "wave" number of the query (GET by default), or the latest; None when
    there is no wave yet."""
    waves = list(Wave.objects.order_by("-number"))
    wanted = (request.GET if query is None else query).get("wave", "")
    chosen = next((wave for wave in waves if str(wave.number) == wanted), None)
    return waves, chosen or (waves[0] if waves else None)


class InstructionHomeView(InstructionAccessMixin, TemplateView):
    """The dashboard of a wave: counts per state and the filtered, sorted, paged table."""

    template_name = "applications/instruction_home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        waves, wave = _selected_wave(self.request)
        spec = wave_form(wave) if wave is not None else None
        # The stage column and filter follow the form's question of that key, if any.
        stage_question = spec.question("stage") if spec is not None else None
        form = StaffApplicationFilterForm(self.request.GET or None, stage_question=stage_question)
        filters = form.filters()
        context.update(waves=waves, wave=wave, filter_form=form, filters=filters)
        if wave is None:
            return context
        page = Paginator(selectors.application_list_for_staff(wave, filters), PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        counts = selectors.application_state_counts(wave)
        sort = filters.get("sort", "reference")
        context.update(
            page=page,
            stage_question=stage_question,
            todo=todo_for_wave(wave),
            counts=counts,
            # Drafts are counted apart (for the reminders) and never linked: staff do not read them.
            filed_counts=[(state, count) for state, count in counts if is_filed_state(state)],
            drafts=dict(counts).get(ApplicationState.DRAFT, 0),
            total=sum(count for state, count in counts if is_filed_state(state)),
            is_filtered=any(name in filters for name in (*form.FILTER_NAMES, "q")),
            sort_links=_sort_links(sort),
            export_form=ExportForm(),
            bulk_choices=_bulk_choices(),
            # « Tout sélectionner » works without JavaScript: the page comes back ticked.
            select_all=self.request.GET.get("tout") == "1",
            # The export repeats the table's query: the same wave, search, filters and sort.
            export_hidden=[("wave", wave.number)]
            + [
                (name, value)
                for name in (*form.FILTER_NAMES, "q", "sort")
                for value in self.request.GET.getlist(name)[:1]
                if value
            ],
        )
        return context


def _bulk_choices():
    """The actions of the staff table's selection: the registered ones, then the export."""
    return [(action.key, action.label) for action in bulk_actions()] + [
        (EXPORT_ACTION, gettext_lazy("Exporter la sélection (CSV)"))
    ]


class InstructionBulkView(InstructionAccessMixin, TemplateView):
    """One action on the files ticked in the staff table: confirm, then apply file by file.

    The first post (from the table) shows the files and what the action asks for; nothing
    changes before « Confirmer ». The second applies the action through the workflow, once
    per file, and reports which files moved and which were refused, and why. The export
    changes nothing: it goes to the export's page (applications/views/exports.py).
    """

    template_name = "applications/instruction_bulk.html"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        wave = _posted_wave(request.POST)
        selection = BulkSelectionForm(request.POST, actions=_bulk_choices())
        if wave is None or not selection.is_valid():
            for errors in (selection.errors if wave else {"": [_("Aucune vague.")]}).values():
                for error in errors:
                    messages.error(request, error)
            return redirect(_home_url(wave))
        ids = selection.cleaned_data["ids"]
        key = selection.cleaned_data["action"]
        if key == EXPORT_ACTION:
            query = "&".join(f"ids={pk}" for pk in ids)
            export_url = reverse("applications:instruction_export")
            return redirect(f"{export_url}?wave={wave.number}&{query}")
        action = bulk_action_get(key)
        applications = selectors.application_list_selected_for_staff(wave, ids)
        found = {application.pk for application in applications}
        missing = [pk for pk in ids if pk not in found]
        data = request.POST if request.POST.get("confirm") == "1" else None
        form = action.make_form(data, wave) if action.make_form else None
        context = {
            "wave": wave,
            "action": action,
            "form": form,
            "applications": applications,
            "missing": missing,
            "ids": ids,
            "home_url": _home_url(wave),
        }
        if data is None or (form is not None and not form.is_valid()):
            return self.render_to_response(self.get_context_data(step="confirm", **context))
        outcomes = bulk_run(
            action=action,
            applications=applications,
            by=request.user,
            data=form.cleaned_data if form is not None else {},
        )
        context.update(
            step="done",
            moved=[outcome for outcome in outcomes if outcome.moved],
            refused=[outcome for outcome in outcomes if not outcome.moved],
        )
        return self.render_to_response(self.get_context_data(**context))


def _posted_wave(data):
    """The wave of the posted "wave" number; None when it names none."""
    wanted = data.get("wave", "")
    return Wave.objects.filter(number=int(wanted)).first() if wanted.isdigit() else None


def _home_url(wave):
    url = reverse("applications:instruction_home")
    return f"{url}?wave={wave.number}" if wave is not None else url


# Columns of the table that sort, with their header.
SORTABLE_COLUMNS = [
    ("reference", gettext_lazy("Référence")),
    ("title", gettext_lazy("Projet")),
    ("holder", gettext_lazy("Porteur")),
    ("state", gettext_lazy("État")),
    ("submitted", gettext_lazy("Dernier dépôt")),
    ("cost", gettext_lazy("Coût total")),
]


def _sort_links(sort):
    """For each sortable column: its label, the sort a click asks for, its aria-sort value."""
    current, descending = sort.lstrip("-"), sort.startswith("-")
    links = {}
    for key, label in SORTABLE_COLUMNS:
        if key not in STAFF_SORTS:
            continue
        active = key == current
        links[key] = {
            "label": label,
            "sort": f"-{key}" if active and not descending else key,
            "aria_sort": ("descending" if descending else "ascending") if active else "",
        }
    return links


# The staff page of one application


class StaffMove:
    """A staff move shown on the page: its URL name, its label, the form it asks for."""

    def __init__(self, key, method, label, form_class, button, danger=False):
        self.key = key
        self.method = method
        self.label = label
        self.form_class = form_class
        self.button = button
        self.danger = danger
        self.url_name = f"applications:instruction_{key}"

    def is_available(self, application):
        """Does the state machine leave this move open from the current state?

        The conditions (e.g. the checklist being filled) are not checked here: the form of
        the move asks for what they need.
        """
        return can_proceed(getattr(application, self.method), check_conditions=False)

    def make_form(self, application, data=None):
        kwargs = {"application": application} if self.form_class is DeclareEligibleForm else {}
        return self.form_class(data, prefix=self.key, **kwargs)


STAFF_MOVES = {
    move.key: move
    for move in [
        StaffMove(
            "request_changes",
            "request_changes",
            gettext_lazy("Demander des compléments"),
            RequestChangesForm,
            gettext_lazy("Envoyer la demande de compléments"),
        ),
        StaffMove(
            "declare_eligible",
            "declare_eligible",
            gettext_lazy("Déclarer recevable"),
            DeclareEligibleForm,
            gettext_lazy("Déclarer le dossier recevable"),
        ),
        StaffMove(
            "declare_ineligible",
            "declare_ineligible",
            gettext_lazy("Déclarer irrecevable"),
            MotivationForm,
            gettext_lazy("Déclarer le dossier irrecevable"),
            danger=True,
        ),
        StaffMove(
            "select_for_review",
            "select_for_review",
            gettext_lazy("Retenir pour l'instruction"),
            SelectForReviewForm,
            gettext_lazy("Retenir le dossier pour l'instruction"),
        ),
        StaffMove(
            "not_select",
            "not_select",
            gettext_lazy("Ne pas retenir pour l'instruction"),
            MotivationForm,
            gettext_lazy("Ne pas retenir le dossier"),
            danger=True,
        ),
        StaffMove(
            "reopen",
            "reopen",
            gettext_lazy("Rouvrir le dossier"),
            ReopenForm,
            gettext_lazy("Rouvrir le dossier"),
        ),
    ]
}


def _send_to_jury_url(application):
    """The reviews app's page for « Transmettre au jury », if that app provides it."""
    if application.state != ApplicationState.IN_REVIEW:
        return ""
    try:
        return reverse("reviews:send_to_jury", kwargs={"pk": application.pk})
    except NoReverseMatch:
        return ""


class StaffApplicationDetailView(StaffApplicationMixin, TemplateView):
    """Everything about one file for staff: dossier, documents, timeline, thread, notes, moves."""

    template_name = "applications/instruction_application.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        application = self.application
        moves = [
            (move, move.make_form(application))
            for move in STAFF_MOVES.values()
            if move.is_available(application)
        ]
        answers = application.eligibility_checklist or {}
        context.update(
            application=application,
            moves=moves,
            send_to_jury_url=_send_to_jury_url(application),
            checklist_answers=[
                (label, answers.get(code))
                for code, label in eligibility_checklist_items(application)
            ]
            if answers
            else [],
            events=selectors.application_event_list_for_staff(application),
            thread=selectors.message_list_for_staff(application),
            notes=selectors.staff_note_list(application),
            message_form=StaffMessageForm(prefix="message"),
            note_form=StaffNoteForm(prefix="note"),
        )
        return context


class _StaffFormView(StaffApplicationMixin, FormView):
    """A form posted from the staff page; on error its own page shows it with what was typed."""

    template_name = "applications/instruction_form.html"
    title = ""
    button = ""
    anchor = ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            application=self.application,
            title=self.title,
            button=self.button,
            action=self.request.path,
            available=True,
        )
        return context

    def field_for_errors(self, form):
        name = getattr(form, "text_field", None)
        return name if name in form.fields else None

    def form_valid(self, form):
        try:
            self.perform(form)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(self.field_for_errors(form), message)
            return self.form_invalid(form)
        return redirect(self.detail_url(self.anchor))

    def perform(self, form):
        raise NotImplementedError


class StaffMoveView(_StaffFormView):
    """One staff move of DESIGN.md §3: `perform` calls exactly one workflow function."""

    move_key = ""
    success_message = ""

    @property
    def move(self):
        return STAFF_MOVES[self.move_key]

    @property
    def title(self):
        return self.move.label

    @property
    def button(self):
        return self.move.button

    def get(self, request, *args, **kwargs):
        if not self.move.is_available(self.application):
            messages.warning(request, self._unavailable_message())
            return redirect(self.detail_url())
        return super().get(request, *args, **kwargs)

    def get_form(self, form_class=None):
        data = self.request.POST if self.request.method == "POST" else None
        return self.move.make_form(self.application, data)

    def _unavailable_message(self):
        return _(
            "Cette action n'est pas possible : le dossier est maintenant « %(state)s ». "
            "Son état a peut-être changé entre-temps ; vérifiez-le avant d'agir."
        ) % {"state": self.application.get_state_display()}

    def form_valid(self, form):
        try:
            response = super().form_valid(form)
        except (TransitionNotAllowed, ConcurrentTransition):
            # Someone moved the file meanwhile: say so, and keep what was typed.
            self.application.refresh_from_db()
            form.add_error(None, self._unavailable_message())
            context = self.get_context_data(form=form)
            context["available"] = self.move.is_available(self.application)
            return self.render_to_response(context, status=409)
        if response.status_code == 302:
            messages.success(self.request, self.success_message)
        return response


class RequestChangesView(StaffMoveView):
    move_key = "request_changes"
    success_message = gettext_lazy("La demande de compléments est envoyée au porteur.")

    def perform(self, form):
        workflow.application_request_changes(
            application=self.application,
            by=self.request.user,
            message=form.cleaned_data["message"],
            deadline=form.cleaned_data["deadline"],
        )


class DeclareEligibleView(StaffMoveView):
    move_key = "declare_eligible"
    success_message = gettext_lazy("Le dossier est déclaré recevable ; le porteur est prévenu.")

    def perform(self, form):
        workflow.application_declare_eligible(
            application=self.application,
            by=self.request.user,
            checklist=form.checklist(),
            note=form.cleaned_data["note"],
        )


class DeclareIneligibleView(StaffMoveView):
    move_key = "declare_ineligible"
    success_message = gettext_lazy("Le dossier est déclaré irrecevable ; le porteur est prévenu.")

    def perform(self, form):
        workflow.application_declare_ineligible(
            application=self.application,
            by=self.request.user,
            motivation=form.cleaned_data["motivation"],
        )


class SelectForReviewView(StaffMoveView):
    move_key = "select_for_review"
    success_message = gettext_lazy("Le dossier est retenu pour l'instruction.")

    def perform(self, form):
        workflow.application_select_for_review(application=self.application, by=self.request.user)


class NotSelectView(StaffMoveView):
    move_key = "not_select"
    success_message = gettext_lazy("Le dossier n'est pas retenu ; le porteur est prévenu.")

    def perform(self, form):
        workflow.application_not_select(
            application=self.application,
            by=self.request.user,
            motivation=form.cleaned_data["motivation"],
        )


class ReopenView(StaffMoveView):
    move_key = "reopen"
    success_message = gettext_lazy("Le dossier est rouvert ; le porteur est prévenu.")

    def perform(self, form):
        workflow.application_reopen(
            application=self.application,
            by=self.request.user,
            reason=form.cleaned_data["reason"],
        )


class StaffMessageView(_StaffFormView):
    """Post a message to the applicant (mailed through the outbox)."""

    title = gettext_lazy("Écrire au porteur de projet")
    button = gettext_lazy("Envoyer le message")
    anchor = "messages"
    http_method_names = ["post"]

    def get_form(self, form_class=None):
        return StaffMessageForm(self.request.POST, prefix="message")

    def perform(self, form):
        services.message_post(
            application=self.application, author=self.request.user, body=form.cleaned_data["body"]
        )
        messages.success(self.request, _("Le message est envoyé au porteur de projet."))


class StaffNoteView(_StaffFormView):
    """Add a private note of the instruction team."""

    title = gettext_lazy("Ajouter une note interne")
    button = gettext_lazy("Enregistrer la note")
    anchor = "notes"
    http_method_names = ["post"]

    def get_form(self, form_class=None):
        return StaffNoteForm(self.request.POST, prefix="note")

    def perform(self, form):
        services.staff_note_create(
            application=self.application, author=self.request.user, body=form.cleaned_data["body"]
        )
        messages.success(self.request, _("La note interne est enregistrée."))
