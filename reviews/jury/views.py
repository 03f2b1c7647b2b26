"""The jury area (/jury/): the waves in deliberation, the ranking and the files with their
reviews, decisions (pending until the announcement), recusals, sessions and the minutes.

Jury members and staff enter; a jury member in conflict with a file (the reviewers' rules)
is recorded as recused the first time they meet it and never sees it. Every view checks its
permission before reading anything of a file.

The staff pages that act on the jury's work are here too, under /instruction/: the hand-over
of a file to the jury, the announcement of a wave's results and the withdrawal of a label.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import TemplateView
from django_fsm import ConcurrentTransition, TransitionNotAllowed
from rules.contrib.views import PermissionRequiredMixin

from applications.models import Application
from applications.rules import STAFF_VISIBLE
from label.models import Wave
from label.pdf import render_pdf
from label.rules import is_instruction
from reviews.assignment.views import ReviewerProfileView
from reviews.jury import selectors, services, workflow
from reviews.jury.composition import jury_composition_defaults
from reviews.jury.forms import (
    AnnounceForm,
    JuryDecisionForm,
    JurySessionForm,
    RecusalForm,
    RevokeForm,
    SendToJuryForm,
)
from reviews.mixins import StaffMixin, error_messages
from reviews.models import JurySession, Recusal


def _acting_member(user):
    """The jury member whose conflicts apply, or None for staff (who see every file)."""
    return None if is_instruction(user) else user


class JuryAreaMixin(PermissionRequiredMixin):
    """A page of the jury area: jury members and staff enter."""

    permission_required = "reviews.access_jury_area"


class JuryHomeView(JuryAreaMixin, TemplateView):
    """The waves whose files are before the jury, with what awaits a decision."""

    template_name = "reviews/jury_home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(waves=selectors.jury_wave_list(), **kwargs)


class JuryProfileView(ReviewerProfileView):
    """A jury member declares their organisation and mandates (the conflict rules read them)."""

    permission_required = "reviews.declare_jury_interests"
    template_name = "reviews/jury_profile.html"
    success_url_name = "reviews:jury_profile"


# --- A wave -------------------------------------------------------------------------------------


class JuryWaveMixin(JuryAreaMixin):
    """A jury page of one wave, found by `wave_pk` once the permission is checked; then
    `wave_permission`, if set, is checked on the wave."""

    wave_permission = None

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        self.wave = get_object_or_404(Wave, pk=kwargs["wave_pk"])
        if self.wave_permission and not request.user.has_perm(self.wave_permission, self.wave):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(wave=self.wave, **kwargs)


class JuryWaveView(JuryWaveMixin, TemplateView):
    """The ranking of a wave's files in deliberation, with opinions, decisions and recusals."""

    template_name = "reviews/jury_wave.html"

    def get(self, request, *args, **kwargs):
        member = _acting_member(request.user)
        if member is not None:
            # The record of a conflict exists from the first time the member meets the file.
            services.recusals_record_automatic(wave=self.wave, member=member)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        user = self.request.user
        board = selectors.jury_board_for_wave(self.wave, member=_acting_member(user))
        return super().get_context_data(
            board=board,
            sessions=selectors.jury_session_list_for_wave(self.wave),
            is_staff=is_instruction(user),
            may_record_sessions=user.has_perm("reviews.record_jury_session", self.wave),
            may_record_decisions=user.has_perm("reviews.record_wave_decisions", self.wave),
            **kwargs,
        )


class JurySessionView(JuryWaveMixin, TemplateView):
    """Record a sitting of the jury (new, or the one `pk` names): date, place, members."""

    template_name = "reviews/jury_session_form.html"
    wave_permission = "reviews.record_jury_session"

    @cached_property
    def session(self):
        if "pk" not in self.kwargs:
            return None
        return get_object_or_404(JurySession, pk=self.kwargs["pk"], wave=self.wave)

    def get_context_data(self, form=None, **kwargs):
        if form is None:
            # A new sitting starts from the wave's jury composition (who is expected).
            initial = {"members_present": jury_composition_defaults(self.wave)["members_convened"]}
            if self.session is not None:
                initial = {
                    "held_on": self.session.held_on,
                    "place": self.session.place,
                    "members_present": list(self.session.members_present.all()),
                    "notes": self.session.notes,
                }
            form = JurySessionForm(initial=initial)
        return super().get_context_data(form=form, session=self.session, **kwargs)

    def post(self, request, *args, **kwargs):
        form = JurySessionForm(request.POST)
        if form.is_valid():
            try:
                services.jury_session_save(
                    wave=self.wave, by=request.user, session=self.session, **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("La séance du jury est enregistrée."))
                return redirect("reviews:jury_wave", wave_pk=self.wave.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class JuryMinutesView(JuryWaveMixin, View):
    """The procès-verbal of the wave's jury as a PDF: sessions, recusals, and every decision
    the reader may see (a jury member's copy leaves out the files they stood down from)."""

    wave_permission = "reviews.download_minutes"

    def get(self, request, *args, **kwargs):
        minutes = selectors.minutes_for_wave(self.wave, reader=request.user)
        title = _("Procès-verbal du jury — %(wave)s") % {"wave": self.wave}
        pdf = render_pdf(
            template_name="reviews/minutes_pdf.html", context={"minutes": minutes}, title=title
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="proces-verbal-jury-vague-{self.wave.number}.pdf"'
        )
        response["Cache-Control"] = "private, no-store"
        return response


# --- A file -------------------------------------------------------------------------------------


class JuryFileMixin(JuryAreaMixin):
    """A jury page of one file: staff see every file that went before the jury; a jury
    member sees a file in deliberation unless in conflict, in which case the recusal is
    recorded and the answer is a refusal that shows nothing of the file. `action_permission`,
    if set, is then checked on the file, whatever the method."""

    action_permission = None

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        application = selectors.jury_file_get(kwargs["pk"])
        if application is None:
            raise Http404
        member = _acting_member(request.user)
        if member is not None:
            services.recusal_record_automatic_for_file(application=application, member=member)
        if not request.user.has_perm("reviews.view_jury_file", application):
            recusal = (
                Recusal.objects.filter(application=application, member=request.user).first()
                if member is not None
                else None
            )
            if recusal is None:
                raise PermissionDenied
            return self.render_recused(recusal)
        if self.action_permission and not request.user.has_perm(
            self.action_permission, application
        ):
            raise PermissionDenied
        self.application = application
        return super().dispatch(request, *args, **kwargs)

    def render_recused(self, recusal):
        return render(
            self.request,
            "reviews/jury_recused.html",
            {"recusal": recusal, "wave": recusal.wave},
            status=403,
        )

    def file_url(self):
        return reverse("reviews:jury_file", kwargs={"pk": self.application.pk})


class JuryFileView(JuryFileMixin, TemplateView):
    """One file for the jury: the dossier, every review with names and private comments, the
    staff's summary, the decision (form when the visitor may record it) and the recusal."""

    template_name = "reviews/jury_file.html"

    def get_context_data(self, decision_form=None, recusal_form=None, **kwargs):
        user = self.request.user
        application = self.application
        decision = selectors.jury_decision_get(application)
        may_record = user.has_perm("reviews.record_decision", application)
        if may_record and decision_form is None:
            decision_form = JuryDecisionForm(
                initial=JuryDecisionForm.initial_for(decision),
                shareable_reviews=selectors.shareable_reviews(application),
            )
        may_recuse = user.has_perm("reviews.recuse", application)
        if may_recuse and recusal_form is None:
            recusal_form = RecusalForm()
        return super().get_context_data(
            application=application,
            wave=application.wave,
            decision=decision,
            may_record=may_record,
            decision_form=decision_form if may_record else None,
            may_recuse=may_recuse,
            recusal_form=recusal_form if may_recuse else None,
            is_staff=is_instruction(user),
            **selectors.jury_file_context(application),
            **kwargs,
        )


class JuryDecisionView(JuryFileView):
    """Record the decision on a file (POST from its page); a visitor without the right: 403."""

    http_method_names = ["post"]
    action_permission = "reviews.record_decision"

    def post(self, request, *args, **kwargs):
        application = self.application
        form = JuryDecisionForm(
            request.POST, shareable_reviews=selectors.shareable_reviews(application)
        )
        if form.is_valid():
            try:
                services.jury_decision_record(
                    application=application,
                    by=request.user,
                    outcome=form.cleaned_data["outcome"],
                    motivation=form.cleaned_data["motivation"],
                    conditions=form.cleaned_data["conditions"],
                    shared_reviews=form.cleaned_data.get("shared_reviews") or [],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _(
                        "La décision est enregistrée. Elle reste confidentielle jusqu'à "
                        "l'annonce des résultats de la vague."
                    ),
                )
                return redirect(self.file_url())
        return self.render_to_response(self.get_context_data(decision_form=form), status=400)


class JuryRecuseView(JuryFileView):
    """A jury member recuses themself from a file (POST from its page)."""

    http_method_names = ["post"]
    action_permission = "reviews.recuse"

    def post(self, request, *args, **kwargs):
        application = self.application
        form = RecusalForm(request.POST)
        if form.is_valid():
            try:
                services.recusal_declare(
                    application=application, by=request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Votre récusation est enregistrée : ce dossier vous est désormais fermé."),
                )
                return redirect("reviews:jury_wave", wave_pk=application.wave_id)
        return self.render_to_response(self.get_context_data(recusal_form=form), status=400)


# --- Staff: the hand-over to the jury, the announcement, the withdrawal of a label ------------


def staff_application_url(application):
    """The staff page of an application, where the hand-over to the jury is made."""
    return reverse("applications:instruction_detail", kwargs={"pk": application.pk})


class SendToJuryView(StaffMixin, View):
    """Send a reviewed file to the jury (POST from the staff page of the application)."""

    http_method_names = ["post"]

    def post(self, request, pk):
        application = Application.objects.filter(pk=pk).first()
        if application is None:
            raise Http404
        form = SendToJuryForm(request.POST)
        back = request.POST.get("next") or ""
        if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
            back = ""
        back = back or staff_application_url(application)
        if not form.is_valid():
            messages.error(request, _("Le formulaire de transmission au jury n'est pas valide."))
            return redirect(back)
        try:
            with transaction.atomic():
                services.send_to_jury(
                    application=application,
                    by=request.user,
                    waive_missing=form.cleaned_data["waive_missing"],
                    note=form.cleaned_data["note"],
                )
        except (TransitionNotAllowed, ConcurrentTransition):
            application.refresh_from_db()
            messages.error(
                request,
                _(
                    "Le dossier n'a pas été transmis : son état a changé entre-temps (il est "
                    "maintenant « %(state)s »). Rechargez la page avant d'agir."
                )
                % {"state": application.get_state_display()},
            )
        except ValidationError as error:
            for message in error_messages(error):
                messages.error(request, message)
        else:
            messages.success(request, _("Le dossier est transmis au jury."))
        return redirect(back)


class AnnounceView(PermissionRequiredMixin, TemplateView):
    """The announcement of a wave's results: what will happen, then one confirmed POST."""

    permission_required = "reviews.announce_results"
    template_name = "reviews/announce_confirm.html"

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        self.wave = get_object_or_404(Wave, pk=kwargs["wave_pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, form=None, **kwargs):
        plan = selectors.announcement_plan(self.wave)
        return super().get_context_data(
            wave=self.wave,
            plan=plan,
            # The mail of each outcome as the holders will read it, before anything is sent.
            mail_previews=(
                selectors.announcement_mail_previews(self.wave, plan) if plan.decisions else []
            ),
            call_still_open=not self.request.user.has_perm("reviews.announce_results", self.wave),
            announced=selectors.announced_list_for_wave(self.wave),
            form=form or AnnounceForm(),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        form = AnnounceForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            result = workflow.wave_announce(wave=self.wave, by=request.user)
        except (workflow.AnnouncementBlocked, workflow.AnnouncementTooEarly) as error:
            form.add_error(None, error)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        except (TransitionNotAllowed, ConcurrentTransition):
            messages.error(
                request,
                _(
                    "L'annonce n'a pas eu lieu : un dossier a changé d'état entre-temps. "
                    "Vérifiez la liste, puis annoncez à nouveau."
                ),
            )
            return redirect("reviews:announce", wave_pk=self.wave.pk)
        if result.nothing_announced:
            messages.info(
                request,
                _("Rien à annoncer : toutes les décisions de cette vague sont déjà annoncées."),
            )
        else:
            count = len(result.applications)
            messages.success(
                request,
                ngettext(
                    "%(count)d décision annoncée ; le porteur est prévenu par e-mail.",
                    "%(count)d décisions annoncées ; chaque porteur est prévenu par e-mail.",
                    count,
                )
                % {"count": count},
            )
        return redirect("reviews:announce", wave_pk=self.wave.pk)


class RevokeView(PermissionRequiredMixin, TemplateView):
    """Withdraw a project's label: a confirmation page with the motivation, then the move."""

    permission_required = "reviews.manage_reviews"
    template_name = "reviews/revoke_confirm.html"

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        # A draft is its author's until filed: staff never open it (applications/rules.py).
        self.application = (
            Application.objects.select_related("wave", "owner")
            .filter(STAFF_VISIBLE, pk=kwargs["pk"])
            .first()
        )
        if self.application is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, form=None, **kwargs):
        return super().get_context_data(
            application=self.application,
            may_revoke=self.request.user.has_perm("reviews.revoke_label", self.application),
            form=form or RevokeForm(),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        application = self.application
        form = RevokeForm(request.POST)
        if not request.user.has_perm("reviews.revoke_label", application):
            messages.error(
                request,
                _("Seul le label d'un projet labellisé peut être retiré (état actuel : %(state)s).")
                % {"state": application.get_state_display()},
            )
            return self.render_to_response(self.get_context_data(form=form), status=400)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            workflow.label_revoke(
                application=application,
                by=request.user,
                motivation=form.cleaned_data["motivation"],
            )
        except (TransitionNotAllowed, ConcurrentTransition):
            messages.error(
                request,
                _("Le label n'a pas été retiré : l'état du dossier a changé entre-temps."),
            )
            return redirect("applications:instruction_detail", pk=application.pk)
        except ValidationError as error:
            form.add_error(None, error)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(
            request,
            _(
                "Le label est retiré : le projet n'est plus au catalogue, la page de "
                "vérification de son certificat l'indique et le porteur est prévenu par e-mail."
            ),
        )
        return redirect("applications:instruction_detail", pk=application.pk)
