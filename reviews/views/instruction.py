"""Staff pages of the review process under /instruction/: grid, committees, assignments,
ranking, reviews, hand-over to the jury. Every view requires the instruction role."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import TemplateView
from django_fsm import ConcurrentTransition, TransitionNotAllowed
from rules.contrib.views import PermissionRequiredMixin

from applications.models import Application
from label.models import Criterion, Wave
from reviews import scoring, selectors, services, workflow
from reviews.forms import (
    AutoAssignmentForm,
    CommitteeForm,
    CriterionFormSet,
    ManualAssignmentForm,
    ReopenForm,
    SendToJuryForm,
)
from reviews.models import Committee, Review


def _error_messages(error):
    return error.messages if isinstance(error, ValidationError) else [str(error)]


class StaffMixin(PermissionRequiredMixin):
    permission_required = "reviews.manage_reviews"


class WaveMixin(StaffMixin):
    """A staff page of one wave, found by `wave_pk`."""

    def dispatch(self, request, *args, **kwargs):
        # The permission is checked first (by the mixin) so that nothing is read before it.
        if not self.has_permission():
            return self.handle_no_permission()
        self.wave = get_object_or_404(Wave, pk=kwargs["wave_pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(wave=self.wave, **kwargs)


# --- Grid ------------------------------------------------------------------------------------


class CriteriaGridView(WaveMixin, TemplateView):
    """Staff edit the grid of a wave until its first review is submitted."""

    template_name = "reviews/criteria_grid.html"

    def get_context_data(self, formset=None, **kwargs):
        locked = selectors.criteria_grid_is_locked(self.wave)
        if formset is None and not locked:
            formset = CriterionFormSet(
                queryset=Criterion.objects.filter(wave=self.wave).order_by("position", "code"),
                prefix="criteres",
            )
        return super().get_context_data(
            locked=locked,
            formset=formset,
            criteria=selectors.criterion_list_for_wave(self.wave),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if selectors.criteria_grid_is_locked(self.wave):
            messages.error(
                request,
                _(
                    "La grille est verrouillée : une évaluation de cette vague a déjà été "
                    "remise. Vos modifications n'ont pas été enregistrées."
                ),
            )
            return self.render_to_response(self.get_context_data())
        formset = CriterionFormSet(
            request.POST,
            queryset=Criterion.objects.filter(wave=self.wave).order_by("position", "code"),
            prefix="criteres",
        )
        if not formset.is_valid():
            return self.render_to_response(self.get_context_data(formset=formset))
        rows, deleted = [], []
        for form in formset.forms:
            if not form.has_changed() and form.instance.pk is None:
                continue
            if formset._should_delete_form(form):
                if form.instance.pk:
                    deleted.append(form.instance.pk)
                continue
            data = {name: form.cleaned_data[name] for name in form.Meta.fields}
            data["id"] = form.instance.pk
            rows.append(data)
        try:
            services.criteria_grid_update(
                wave=self.wave, by=request.user, rows=rows, deleted=deleted
            )
        except ValidationError as error:
            for message in _error_messages(error):
                messages.error(request, message)
            return self.render_to_response(self.get_context_data(formset=formset))
        messages.success(request, _("La grille de la vague est enregistrée."))
        return redirect("reviews:criteria_grid", wave_pk=self.wave.pk)


# --- Committees ------------------------------------------------------------------------------


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


# --- Assignments -----------------------------------------------------------------------------


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


# --- Ranking ------------------------------------------------------------------------------


class RankingView(WaveMixin, TemplateView):
    """The ranking of the wave's reviewed files: raw and normalised means side by side."""

    template_name = "reviews/ranking.html"

    def get_context_data(self, **kwargs):
        sort = self.request.GET.get("tri", "normalised")
        return super().get_context_data(
            ranking=selectors.ranking_for_wave(self.wave, sort=sort), **kwargs
        )


# --- One review, one file ----------------------------------------------------------------------


class StaffReviewDetailView(StaffMixin, TemplateView):
    """A review as staff read it, with its reviewer's name and private comment."""

    template_name = "reviews/review_staff_detail.html"

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        self.review = get_object_or_404(
            Review.objects.select_related(
                "assignment__application__wave", "assignment__reviewer", "reopened_by"
            ),
            pk=kwargs["pk"],
        )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, form=None, **kwargs):
        application = self.review.assignment.application
        criteria = selectors.criterion_list_for_wave(application.wave_id)
        scores = selectors.score_map(self.review)
        return super().get_context_data(
            review=self.review,
            assignment=self.review.assignment,
            application=application,
            wave=application.wave,
            rows=[(criterion, scores.get(criterion.pk)) for criterion in criteria],
            total=_total(criteria, scores),
            form=form or ReopenForm(),
            **kwargs,
        )


def _total(criteria, scores):
    return scoring.review_total(
        {pk: score.value for pk, score in scores.items()},
        [selectors.criterion_spec(criterion) for criterion in criteria],
    )


class ReviewReopenView(StaffReviewDetailView):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = ReopenForm(request.POST)
        if form.is_valid():
            try:
                workflow.review_reopen(
                    review=self.review, by=request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                form.add_error(None, error)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request, _("L'évaluation est rouverte ; l'évaluateur est prévenu par e-mail.")
                )
                return redirect("reviews:staff_review", pk=self.review.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


def staff_application_url(application):
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
            for message in _error_messages(error):
                messages.error(request, message)
        else:
            messages.success(request, _("Le dossier est transmis au jury."))
        return redirect(back)
