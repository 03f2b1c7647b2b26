"""Pages of the grid and the reviews: the staff pages of the criteria grid and of one review
under /instruction/, and the reviewer's area under /evaluations/ (their files, the review)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin

from applications.models import Attachment
from reviews.assignment.views import AssignmentMixin
from reviews.mixins import StaffMixin, WaveMixin, error_messages
from reviews.models import Review
from reviews.scoring import arithmetic, selectors, services, workflow
from reviews.scoring.forms import CriterionFormSet, ReopenForm, ReviewForm

# --- Grid ------------------------------------------------------------------------------------


class CriteriaGridView(WaveMixin, TemplateView):
    """Staff edit the grid of a wave until its first review is submitted."""

    template_name = "reviews/criteria_grid.html"

    def get_context_data(self, formset=None, **kwargs):
        locked = selectors.criteria_grid_is_locked(self.wave)
        if formset is None and not locked:
            formset = CriterionFormSet(
                queryset=selectors.criterion_queryset_for_wave(self.wave),
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
            queryset=selectors.criterion_queryset_for_wave(self.wave),
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
            for message in error_messages(error):
                messages.error(request, message)
            return self.render_to_response(self.get_context_data(formset=formset))
        messages.success(request, _("La grille de la vague est enregistrée."))
        return redirect("reviews:criteria_grid", wave_pk=self.wave.pk)


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
    return arithmetic.review_total(
        {pk: score.value for pk, score in scores.items()},
        [selectors.criterion_spec(criterion) for criterion in criteria],
    )


class ReviewReopenView(StaffReviewDetailView):
    """Staff reopen a submitted review, with a reason (POST)."""

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


# --- The reviewer's area ---------------------------------------------------------------------


class ReviewerHomeView(PermissionRequiredMixin, TemplateView):
    """The reviewer's files without conflict, their progress and due dates."""

    permission_required = "reviews.access_review_area"
    template_name = "reviews/reviewer_home.html"

    def get_context_data(self, **kwargs):
        assignments = selectors.assignment_list_for_reviewer(self.request.user)
        return super().get_context_data(
            assignments=assignments,
            progress=selectors.reviewer_progress(assignments),
            **kwargs,
        )


class ReviewView(AssignmentMixin, TemplateView):
    """The file, read-only, beside the grid; save as draft or submit."""

    template_name = "reviews/review_form.html"

    def dispatch(self, request, *args, **kwargs):
        assignment = self.get_permission_object()
        if (
            request.user.has_perm("reviews.view_assignment", assignment)
            and assignment.reviewer_id == request.user.pk
            and not assignment.confidentiality_accepted_at
        ):
            return redirect("reviews:engagement", pk=assignment.pk)
        return super().dispatch(request, *args, **kwargs)

    def has_permission(self):
        return self.request.user.has_perm("reviews.open_file", self.get_permission_object())

    def _review(self):
        return Review.objects.filter(assignment=self.assignment).first()

    def get_context_data(self, form=None, **kwargs):
        application = self.assignment.application
        criteria = selectors.criterion_list_for_wave(application.wave_id)
        review = self._review()
        if form is None:
            form = ReviewForm(
                criteria=criteria,
                initial=ReviewForm.initial_for(review, selectors.score_map(review)),
            )
        user = self.request.user
        others = []
        if user.has_perm("reviews.view_other_reviews", self.assignment):
            others = [
                view
                for view in selectors.submitted_reviews_for_application(application, criteria)
                if view.review.assignment_id != self.assignment.pk
            ]
        return super().get_context_data(
            form=form,
            review=review,
            can_edit=user.has_perm("reviews.change_review", self.assignment),
            can_declare_conflict=user.has_perm("reviews.declare_conflict", self.assignment),
            other_reviews=others,
            attachments=Attachment.objects.filter(
                application=application, message__isnull=True
            ).order_by("kind", "created_at", "pk"),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        submitting = request.POST.get("action") == "submit"
        criteria = selectors.criterion_list_for_wave(self.assignment.application.wave_id)
        form = ReviewForm(request.POST, criteria=criteria, submitting=submitting)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        move = workflow.review_submit if submitting else workflow.review_save_draft
        try:
            move(
                assignment=self.assignment,
                by=request.user,
                scores=form.scores(),
                opinion=form.cleaned_data["opinion"],
                shared_comment=form.cleaned_data["shared_comment"],
                private_comment=form.cleaned_data["private_comment"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        except PermissionDenied as error:
            messages.error(request, str(error))
            return redirect("reviews:review", pk=self.assignment.pk)
        if submitting:
            messages.success(
                request,
                _(
                    "Votre évaluation est remise. Elle ne peut plus être modifiée ; vous pouvez "
                    "maintenant lire les autres évaluations de ce dossier."
                ),
            )
        else:
            messages.success(request, _("Votre brouillon est enregistré."))
        return redirect("reviews:review", pk=self.assignment.pk)


class AttachmentDownloadView(AssignmentMixin, View):
    """A document of the file, for a reviewer to whom it is open."""

    permission_required = "reviews.open_file"

    def get(self, request, pk, attachment_pk):
        attachment = get_object_or_404(
            Attachment,
            pk=attachment_pk,
            application_id=self.assignment.application_id,
            message__isnull=True,
        )
        response = FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=attachment.original_name,
            content_type=attachment.content_type,
        )
        response["Cache-Control"] = "private, no-store"
        return response
