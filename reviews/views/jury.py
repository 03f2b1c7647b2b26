"""The jury area (/jury/): the waves in deliberation, the ranking and the files with their
reviews, decisions (pending until the announcement), recusals, sessions and the minutes.

Jury members and staff enter; a jury member in conflict with a file (the reviewers' rules)
is recorded as recused the first time they meet it and never sees it. Every view checks its
permission before reading anything of a file.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin

from label.models import Wave
from label.pdf import render_pdf
from label.rules import is_instruction
from reviews import selectors, selectors_jury, services, services_jury
from reviews.forms import ReviewerProfileForm
from reviews.forms_jury import JuryDecisionForm, JurySessionForm, RecusalForm
from reviews.models import JurySession, Recusal
from reviews.rules import JURY_STATES


def _error_messages(error):
    return error.messages if isinstance(error, ValidationError) else [str(error)]


def _acting_member(user):
    """The jury member whose conflicts apply, or None for staff (who see every file)."""
    return None if is_instruction(user) else user


class JuryAreaMixin(PermissionRequiredMixin):
    permission_required = "reviews.access_jury_area"


class JuryHomeView(JuryAreaMixin, TemplateView):
    """The waves whose files are before the jury, with what awaits a decision."""

    template_name = "reviews/jury_home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(waves=selectors_jury.jury_wave_list(), **kwargs)


class JuryProfileView(PermissionRequiredMixin, TemplateView):
    """A jury member declares their organisation and mandates (the conflict rules read them)."""

    permission_required = "label.access_jury_area"
    template_name = "reviews/jury_profile.html"

    def get_context_data(self, form=None, **kwargs):
        if form is None:
            profile = selectors.reviewer_profile_get(self.request.user)
            form = ReviewerProfileForm(
                initial={
                    "organisation": profile.organisation,
                    "mandate_communes": list(profile.mandate_communes.all()) if profile.pk else [],
                }
            )
        return super().get_context_data(form=form, **kwargs)

    def post(self, request, *args, **kwargs):
        form = ReviewerProfileForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        services.reviewer_profile_update(user=request.user, **form.cleaned_data)
        messages.success(request, _("Vos déclarations sont enregistrées."))
        return redirect("reviews:jury_profile")


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
            services_jury.recusals_record_automatic(wave=self.wave, member=member)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        user = self.request.user
        board = selectors_jury.jury_board_for_wave(self.wave, member=_acting_member(user))
        return super().get_context_data(
            board=board,
            sessions=list(
                JurySession.objects.filter(wave=self.wave)
                .prefetch_related("members_present")
                .order_by("held_on", "pk")
            ),
            is_staff=is_instruction(user),
            may_record_sessions=user.has_perm("reviews.record_jury_session", self.wave),
            may_record_decisions=is_instruction(user) or self.wave.jury_may_record_decisions,
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
            initial = {}
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
                services_jury.jury_session_save(
                    wave=self.wave, by=request.user, session=self.session, **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("La séance du jury est enregistrée."))
                return redirect("reviews:jury_wave", wave_pk=self.wave.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class JuryMinutesView(JuryWaveMixin, View):
    """The procès-verbal of the wave's jury as a PDF: sessions, recusals, every decision."""

    wave_permission = "reviews.download_minutes"

    def get(self, request, *args, **kwargs):
        minutes = selectors_jury.minutes_for_wave(self.wave)
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
        application = selectors_jury.jury_file_get(kwargs["pk"])
        if application is None or application.state not in JURY_STATES:
            raise Http404
        member = _acting_member(request.user)
        if member is not None:
            services_jury.recusal_record_automatic_for_file(application=application, member=member)
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
        decision = selectors_jury.jury_decision_get(application)
        may_record = user.has_perm("reviews.record_decision", application)
        if may_record and decision_form is None:
            decision_form = JuryDecisionForm(
                initial=JuryDecisionForm.initial_for(decision),
                shareable_reviews=selectors_jury.shareable_reviews(application),
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
            **selectors_jury.jury_file_context(application),
            **kwargs,
        )


class JuryDecisionView(JuryFileView):
    """Record the decision on a file (POST from its page); a visitor without the right: 403."""

    http_method_names = ["post"]
    action_permission = "reviews.record_decision"

    def post(self, request, *args, **kwargs):
        application = self.application
        form = JuryDecisionForm(
            request.POST, shareable_reviews=selectors_jury.shareable_reviews(application)
        )
        if form.is_valid():
            try:
                services_jury.jury_decision_record(
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
                services_jury.recusal_declare(
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
