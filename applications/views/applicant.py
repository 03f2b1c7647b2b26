"""Pages of the applicant area (/mon-espace/): the list, one application, its moves.

Every page reads the application through the owner's selector: another account's file is
never found (404) and nothing of it is shown. Moves go through applications.workflow only.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView
from django_fsm import TransitionNotAllowed

from applications import selectors, services, workflow
from applications.conditions import missing_items
from applications.enums import (
    DECIDED_STATES,
    ApplicationState,
    AttachmentKind,
)
from applications.forms_applicant import ApplicantMessageForm, ConfirmForm, ResubmitForm
from applications.models import Application
from applications.views.mixins import ApplicantAreaMixin, OwnApplicationMixin
from label.dates import paris_date_display, paris_datetime_display
from label.enums import WavePhase
from label.pdf import render_pdf
from label.selectors import wave_get_current

S = ApplicationState


@dataclass(frozen=True)
class NextAction:
    """What the applicant should do next with a file, in words, and where to do it."""

    text: str
    url: str = ""
    urgent: bool = False


def next_action(application, *, open_wave):
    """The next action of the applicant on a file, from its state and its wave's dates.

    `open_wave` is the wave open now (read once for a whole list), for the carry-over.
    """
    state = application.state
    wave = application.wave
    detail = reverse("applications:detail", kwargs={"pk": application.pk})
    if state == S.DRAFT:
        phase = wave.phase
        if phase == WavePhase.OPEN:
            return NextAction(
                _("Compléter et déposer avant le %(date)s")
                % {"date": paris_datetime_display(wave.closes_at)},
                detail,
                urgent=True,
            )
        if phase == WavePhase.UPCOMING:
            return NextAction(
                _("Compléter le dossier ; le dépôt ouvrira le %(date)s")
                % {"date": paris_datetime_display(wave.opens_at)},
                detail,
            )
        return NextAction(
            _("Aucune action possible : l'appel est clos depuis le %(date)s")
            % {"date": paris_datetime_display(wave.call_closed_at)}
        )
    if state == S.CHANGES_REQUESTED:
        if application.changes_deadline:
            text = _("Répondre à la demande de compléments avant le %(date)s") % {
                "date": paris_date_display(application.changes_deadline)
            }
        else:
            text = _("Répondre à la demande de compléments")
        return NextAction(text, detail, urgent=True)
    if state == S.DEFERRED:
        may_carry_over = (
            open_wave is not None
            and open_wave.pk != application.wave_id
            and not _has_carried_over(application)
        )
        if may_carry_over:
            return NextAction(
                _("Reprendre le dossier dans la %(wave)s") % {"wave": open_wave},
                reverse("applications:carry_over", kwargs={"pk": application.pk}),
                urgent=True,
            )
        return NextAction(_("Lire la décision du jury"), detail)
    waiting = {
        S.SUBMITTED: _("Aucune action : dossier en cours de vérification par l'équipe"),
        S.ELIGIBLE: _("Aucune action : dossier recevable, en attente de sélection"),
        S.IN_REVIEW: _("Aucune action : dossier en instruction"),
        S.DELIBERATION: _("Aucune action : dossier en délibération du jury"),
    }
    if state in waiting:
        return NextAction(waiting[state])
    if state in DECIDED_STATES:
        return NextAction(_("Lire la décision du jury"), detail)
    return NextAction(_("Aucune action : dossier clos"))


def _has_carried_over(application):
    try:
        return application.carried_over_to is not None
    except Application.carried_over_to.RelatedObjectDoesNotExist:
        return False


def _closed_reason(application):
    """Why a draft cannot be filed because of its wave's dates (a sentence), or ""."""
    wave = application.wave
    phase = wave.phase
    if phase == WavePhase.UPCOMING:
        return _(
            "L'appel à candidatures de la %(wave)s ouvrira le %(date)s (heure de Paris) : le "
            "dossier pourra être déposé à partir de cette date."
        ) % {"wave": wave, "date": paris_datetime_display(wave.opens_at)}
    if phase != WavePhase.OPEN:
        return _(
            "L'appel à candidatures de la %(wave)s est clos depuis le %(date)s (heure de "
            "Paris) : ce dossier ne peut plus être déposé."
        ) % {"wave": wave, "date": paris_datetime_display(wave.call_closed_at)}
    return ""


class ApplicantHomeView(ApplicantAreaMixin, TemplateView):
    """The list of the visitor's applications, each with its next action."""

    template_name = "applications/applicant_home.html"

    def get_context_data(self, **kwargs):
        open_wave = wave_get_current()
        applications = list(selectors.application_list_for_owner(self.request.user))
        rows = [
            (application, next_action(application, open_wave=open_wave))
            for application in applications
        ]
        has_draft_in_open_wave = open_wave is not None and any(
            application.wave_id == open_wave.pk and application.is_editable
            for application in applications
        )
        return super().get_context_data(
            rows=rows,
            open_wave=open_wave,
            has_draft_in_open_wave=has_draft_in_open_wave,
            **kwargs,
        )


class ApplicationDetailView(OwnApplicationMixin, FormView):
    """One application: summary, next action, moves, public timeline and message thread.

    The page also receives the thread's form (POST): a message, with an optional document.
    """

    template_name = "applications/application_detail.html"
    form_class = ApplicantMessageForm

    def get_context_data(self, **kwargs):
        application = self.get_application()
        user = self.request.user
        services.application_mark_decision_read(application, user)
        open_wave = wave_get_current()
        context = {
            "next_action": next_action(application, open_wave=open_wave),
            "events": selectors.application_event_list_public(application),
            "thread": list(selectors.message_list_for_application(application)),
            "can_edit": user.has_perm("applications.change_application", application),
            "can_withdraw": user.has_perm("applications.withdraw_application", application),
            "can_message": user.has_perm("applications.message_application", application),
            "has_receipt": bool(application.reference),
        }
        if application.state == S.DRAFT:
            context["closed_reason"] = _closed_reason(application)
            context["missing"] = missing_items(application)
        if application.state == S.CHANGES_REQUESTED:
            context["changes_request"] = selectors.application_last_changes_request(application)
            context["missing"] = missing_items(application)
        if application.state == S.DEFERRED:
            context["carry_over_refusal"] = services.application_carry_over_refusal(
                application, wave=open_wave
            )
            context["open_wave"] = open_wave
        return super().get_context_data(**context, **kwargs)

    def form_valid(self, form):
        application = self.get_application()
        upload = form.cleaned_data.get("attachment")
        try:
            with transaction.atomic():
                attachment = None
                if upload:
                    attachment = services.attachment_add(
                        application=application,
                        by=self.request.user,
                        kind=AttachmentKind.OTHER,
                        upload=upload,
                        permission="applications.message_application",
                    )
                services.message_post(
                    application=application,
                    author=self.request.user,
                    body=form.cleaned_data["body"],
                    attachment=attachment,
                )
        except ValidationError as error:
            # The service names the field (body); a refused document is the upload's error.
            if hasattr(error, "error_dict"):
                for name, errors in error.message_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                form.add_error("attachment" if upload else None, error.messages)
            return self.form_invalid(form)
        except PermissionDenied:
            raise Http404 from None
        messages.success(self.request, _("Votre message a été envoyé à l'équipe d'instruction."))
        return redirect(
            reverse("applications:detail", kwargs={"pk": application.pk}) + "#fil-messages"
        )


class ApplicationSubmitView(OwnApplicationMixin, FormView):
    """The confirmation page that sums up the dossier, then files it (draft → submitted)."""

    template_name = "applications/application_submit.html"
    form_class = ConfirmForm

    def get(self, request, *args, **kwargs):
        application = self.get_application()
        if application.state == S.CHANGES_REQUESTED:
            return redirect("applications:resubmit", pk=application.pk)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        application = self.get_application()
        context = {}
        if application.state == S.DRAFT:
            context["closed_reason"] = _closed_reason(application)
            context["missing"] = missing_items(application)
            context["can_submit"] = not context["closed_reason"] and not context["missing"]
        return super().get_context_data(**context, **kwargs)

    def form_valid(self, form):
        application = self.get_application()
        try:
            filed = workflow.application_submit(application=application, by=self.request.user)
        except TransitionNotAllowed:
            return self._refused(form, application)
        messages.success(
            self.request,
            _(
                "Votre dossier est déposé sous la référence %(reference)s. Un e-mail de "
                "confirmation vous a été envoyé ; le récépissé est téléchargeable ci-dessous."
            )
            % {"reference": filed.reference},
        )
        return redirect("applications:detail", pk=filed.pk)

    def _refused(self, form, application):
        """Say why the workflow refused, from what it checks: state, wave dates, dossier."""
        application.refresh_from_db()
        if application.state == S.CHANGES_REQUESTED:
            return redirect("applications:resubmit", pk=application.pk)
        if application.state != S.DRAFT:
            messages.info(self.request, _("Ce dossier a déjà été déposé."))
            return redirect("applications:detail", pk=application.pk)
        reason = _closed_reason(application)
        if reason:
            form.add_error(None, reason)
        else:
            form.add_error(
                None,
                _("Le dossier est incomplet : complétez les éléments listés avant de le déposer."),
            )
        return self.form_invalid(form)


class ApplicationResubmitView(OwnApplicationMixin, FormView):
    """The answer to a completion request: a reply, then the file is filed again."""

    template_name = "applications/application_resubmit.html"
    form_class = ResubmitForm

    def get_context_data(self, **kwargs):
        application = self.get_application()
        context = {}
        if application.state == S.CHANGES_REQUESTED:
            context["changes_request"] = selectors.application_last_changes_request(application)
            context["missing"] = missing_items(application)
        return super().get_context_data(**context, **kwargs)

    def form_valid(self, form):
        application = self.get_application()
        if application.state != S.CHANGES_REQUESTED:
            messages.info(self.request, _("Aucun complément n'est demandé sur ce dossier."))
            return redirect("applications:detail", pk=application.pk)
        try:
            workflow.application_resubmit(
                application=application, by=self.request.user, reply=form.cleaned_data["reply"]
            )
        except TransitionNotAllowed:
            application.refresh_from_db()
            if application.state != S.CHANGES_REQUESTED:
                messages.info(self.request, _("Ce dossier a déjà été déposé à nouveau."))
                return redirect("applications:detail", pk=application.pk)
            form.add_error(
                None,
                _("Le dossier est incomplet : complétez les éléments listés avant de le déposer."),
            )
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Votre dossier complété est déposé ; l'équipe d'instruction en est informée."),
        )
        return redirect("applications:detail", pk=application.pk)


class ApplicationWithdrawView(OwnApplicationMixin, FormView):
    """The confirmation page of a withdrawal (irreversible), then → withdrawn."""

    template_name = "applications/application_withdraw.html"
    form_class = ConfirmForm

    def get_context_data(self, **kwargs):
        application = self.get_application()
        can_withdraw = self.request.user.has_perm("applications.withdraw_application", application)
        return super().get_context_data(can_withdraw=can_withdraw, **kwargs)

    def form_valid(self, form):
        application = self.get_application()
        try:
            workflow.application_withdraw(application=application, by=self.request.user)
        except (TransitionNotAllowed, PermissionDenied):
            messages.error(
                self.request,
                _("Ce dossier ne peut pas être retiré dans son état actuel (%(state)s).")
                % {"state": application.get_state_display()},
            )
            return redirect("applications:detail", pk=application.pk)
        messages.success(self.request, _("Votre dossier est retiré. Il ne sera pas examiné."))
        return redirect("applications:detail", pk=application.pk)


class ApplicationCarryOverView(OwnApplicationMixin, FormView):
    """The confirmation page of a carry-over, then a prefilled draft in the open wave."""

    template_name = "applications/application_carry_over.html"
    form_class = ConfirmForm

    def get_context_data(self, **kwargs):
        application = self.get_application()
        open_wave = wave_get_current()
        return super().get_context_data(
            open_wave=open_wave,
            refusal=services.application_carry_over_refusal(application, wave=open_wave),
            **kwargs,
        )

    def form_valid(self, form):
        application = self.get_application()
        try:
            draft = services.application_carry_over(application=application, by=self.request.user)
        except ValidationError as error:
            messages.error(self.request, " ".join(error.messages))
            return redirect("applications:detail", pk=application.pk)
        except PermissionDenied:
            raise Http404 from None
        messages.success(
            self.request,
            _(
                "Un nouveau brouillon a été créé dans la %(wave)s à partir de votre dossier. "
                "Vérifiez-le, joignez les pièces à jour, puis déposez-le."
            )
            % {"wave": draft.wave},
        )
        return redirect("applications:detail", pk=draft.pk)


class ApplicationReceiptView(ApplicantAreaMixin, View):
    """The PDF receipt (récépissé) of a filed application, for its owner and for staff."""

    def get(self, request, pk):
        application = Application.objects.select_related("wave", "owner").filter(pk=pk).first()
        # Someone who may not see the file learns nothing, not even that it exists.
        if application is None or not request.user.has_perm(
            "applications.view_application", application
        ):
            raise Http404
        if not application.reference:
            raise Http404
        # The documents of the dossier; those sent with a message belong to the thread.
        attachments = application.attachments.filter(message__isnull=True).order_by(
            "kind", "created_at", "pk"
        )
        title = _("Récépissé de dépôt %(reference)s") % {"reference": application.reference}
        pdf = render_pdf(
            template_name="applications/receipt.html",
            context={"application": application, "attachments": attachments},
            title=title,
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="recepisse-{application.reference}.pdf"'
        )
        response["Cache-Control"] = "private, no-store"
        return response
