"""Pages about who reviews what: the staff pages of committees and assignments under
/instruction/, and the reviewer's declarations and engagement under /evaluations/."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin

from reviews.assignment import selectors, services
from reviews.assignment.forms import (
    AcceptForm,
    AutoAssignmentForm,
    CommitteeForm,
    ConflictForm,
    ManualAssignmentForm,
    ReviewerProfileForm,
)
from reviews.mixins import WaveMixin
from reviews.models import Committee

# --- Committees (staff) ------------------------------------------------------------------------


class CommitteeListView(WaveMixin, TemplateView):
    """The committees of a wave, and a form to create one."""

    template_name = "reviews/committee_list.html"

    def get_context_data(self, form=None, **kwargs):
        return super().get_context_data(
            committees=selectors.committee_list_for_wave(self.wave),
            form=form or CommitteeForm(),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        form = CommitteeForm(request.POST)
        if form.is_valid():
            try:
                committee = services.committee_create(
                    wave=self.wave, by=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, _("Le comité « %(name)s » est créé.") % {"name": committee}
                )
                return redirect("reviews:committees", wave_pk=self.wave.pk)
        return self.render_to_response(self.get_context_data(form=form))


class CommitteeUpdateView(WaveMixin, TemplateView):
    """Rename a committee of the wave or change its members."""

    template_name = "reviews/committee_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        self.committee = get_object_or_404(Committee, pk=kwargs["pk"], wave_id=kwargs["wave_pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, form=None, **kwargs):
        if form is None:
            form = CommitteeForm(
                initial={
                    "kind": self.committee.kind,
                    "name": self.committee.name,
                    "members": list(self.committee.members.all()),
                }
            )
        return super().get_context_data(committee=self.committee, form=form, **kwargs)

    def post(self, request, *args, **kwargs):
        form = CommitteeForm(request.POST)
        if form.is_valid():
            try:
                services.committee_update(
                    committee=self.committee, by=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Le comité est enregistré."))
                return redirect("reviews:committees", wave_pk=self.wave.pk)
        return self.render_to_response(self.get_context_data(form=form))


# --- Assignments (staff) ---------------------------------------------------------------------


class AssignmentBoardView(WaveMixin, TemplateView):
    """The files under instruction with their reviewers, exclusions and the two forms."""

    template_name = "reviews/assignment_board.html"

    def get_context_data(self, manual_form=None, auto_form=None, **kwargs):
        rows, reviewers = selectors.assignment_board_for_wave(self.wave)
        loads = selectors.reviewer_loads(self.wave)
        return super().get_context_data(
            rows=rows,
            reviewers=[(reviewer, loads.get(reviewer.pk, 0)) for reviewer in reviewers],
            manual_form=manual_form or ManualAssignmentForm(wave=self.wave, reviewers=reviewers),
            auto_form=auto_form or AutoAssignmentForm(wave=self.wave),
            **kwargs,
        )


class AssignmentManualView(AssignmentBoardView):
    """Give one file to one reviewer (POST from the board)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        reviewers = selectors.reviewer_list_for_wave(self.wave)
        form = ManualAssignmentForm(request.POST, wave=self.wave, reviewers=reviewers)
        if form.is_valid():
            try:
                assignment = services.assignment_create(
                    application=form.cleaned_data["application"],
                    reviewer=form.cleaned_data["reviewer"],
                    due_on=form.cleaned_data["due_on"],
                    by=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("%(reviewer)s évaluera le dossier %(reference)s ; un e-mail lui est envoyé.")
                    % {
                        "reviewer": assignment.reviewer,
                        "reference": assignment.application.reference,
                    },
                )
                return redirect("reviews:assignments", wave_pk=self.wave.pk)
        return self.render_to_response(self.get_context_data(manual_form=form), status=400)


class AssignmentAutoView(AssignmentBoardView):
    """Assign reviewers to every file of the wave by the plan (POST from the board)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = AutoAssignmentForm(request.POST, wave=self.wave)
        if form.is_valid():
            try:
                result = services.assignment_auto(
                    wave=self.wave, by=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                count = len(result.created)
                messages.success(
                    request,
                    ngettext(
                        "%(count)d attribution créée ; chaque évaluateur reçoit un e-mail.",
                        "%(count)d attributions créées ; chaque évaluateur reçoit un e-mail.",
                        count,
                    )
                    % {"count": count},
                )
                for application, missing in sorted(
                    result.shortfall.items(), key=lambda item: item[0].reference or ""
                ):
                    messages.warning(
                        request,
                        ngettext(
                            "Dossier %(reference)s : il manque %(count)d évaluateur possible "
                            "(conflits ou plafond atteint).",
                            "Dossier %(reference)s : il manque %(count)d évaluateurs possibles "
                            "(conflits ou plafond atteint).",
                            missing,
                        )
                        % {"reference": application.reference, "count": missing},
                    )
                return redirect("reviews:assignments", wave_pk=self.wave.pk)
        return self.render_to_response(self.get_context_data(auto_form=form), status=400)


# --- The reviewer's declarations and engagement -----------------------------------------------


class ReviewerProfileView(PermissionRequiredMixin, TemplateView):
    """The reviewer declares their organisation and elected mandates (conflicts of interest)."""

    permission_required = "reviews.access_review_area"
    template_name = "reviews/reviewer_profile.html"
    success_url_name = "reviews:reviewer_profile"

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
        return redirect(self.success_url_name)


class AssignmentMixin(PermissionRequiredMixin):
    """A page about one of the reviewer's assignments, found by `pk`.

    A reviewer who declared a conflict, or is not assigned, is refused before anything of
    the file is read.
    """

    permission_required = "reviews.view_assignment"

    def get_permission_object(self):
        if not hasattr(self, "assignment"):
            self.assignment = selectors.assignment_get_for_review(self.kwargs["pk"])
            if self.assignment is None:
                raise Http404
        return self.assignment

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            assignment=self.assignment, application=self.assignment.application, **kwargs
        )


class EngagementView(AssignmentMixin, TemplateView):
    """Before the file opens: accept confidentiality and declare no conflict, or declare one."""

    permission_required = "reviews.declare_conflict"
    template_name = "reviews/assignment_engagement.html"

    def get_context_data(self, accept_form=None, conflict_form=None, **kwargs):
        return super().get_context_data(
            accept_form=accept_form or AcceptForm(),
            conflict_form=conflict_form or ConflictForm(),
            can_accept=self.request.user.has_perm("reviews.accept_assignment", self.assignment),
            **kwargs,
        )


class AcceptView(EngagementView):
    """The reviewer accepts confidentiality and declares no conflict (POST)."""

    http_method_names = ["post"]
    permission_required = "reviews.accept_assignment"

    def post(self, request, *args, **kwargs):
        form = AcceptForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(accept_form=form), status=400)
        services.assignment_accept(assignment=self.assignment, by=request.user)
        messages.success(request, _("Merci. Le dossier est maintenant ouvert à l'évaluation."))
        return redirect("reviews:review", pk=self.assignment.pk)


class ConflictView(EngagementView):
    """The reviewer declares a conflict of interest and stands down (POST)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = ConflictForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(conflict_form=form), status=400)
        services.assignment_declare_conflict(
            assignment=self.assignment, by=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(
            request,
            _(
                "Votre conflit d'intérêts est enregistré : le dossier vous est retiré et "
                "l'équipe d'instruction est prévenue."
            ),
        )
        return redirect("reviews:reviewer_home")
