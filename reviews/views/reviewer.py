"""The reviewer area (/evaluations/): assigned files, engagement, the review grid, profile."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin

from applications.models import Attachment
from reviews import selectors, services, workflow
from reviews.forms import AcceptForm, ConflictForm, ReviewerProfileForm, ReviewForm
from reviews.models import Review


class ReviewerHomeView(PermissionRequiredMixin, TemplateView):
    """The reviewer's files without conflict, their progress and due dates."""

    permission_required = "label.access_review_area"
    template_name = "reviews/reviewer_home.html"

    def get_context_data(self, **kwargs):
        assignments = selectors.assignment_list_for_reviewer(self.request.user)
        return super().get_context_data(
            assignments=assignments,
            progress=selectors.reviewer_progress(assignments),
            **kwargs,
        )


class ReviewerProfileView(PermissionRequiredMixin, TemplateView):
    """The reviewer declares their organisation and elected mandates (conflicts of interest)."""

    permission_required = "label.access_review_area"
    template_name = "reviews/reviewer_profile.html"

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
        return redirect("reviews:reviewer_profile")


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
