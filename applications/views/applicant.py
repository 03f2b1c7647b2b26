"""Pages of the applicant area (/mon-espace/): the list, one application, its moves."""

from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, TemplateView
from rules.contrib.views import PermissionRequiredMixin

from applications.models import Application


class ApplicantHomeView(PermissionRequiredMixin, TemplateView):
    permission_required = "label.access_applicant_area"
    template_name = "applications/applicant_home.html"


class ApplicationDetailView(PermissionRequiredMixin, DetailView):
    """The applicant's page of one application; another user's application answers 404."""

    permission_required = "applications.view_application"
    template_name = "applications/application_detail.html"
    context_object_name = "application"

    def get_object(self, queryset=None):
        return get_object_or_404(
            Application.objects.owned_by(self.request.user).select_related("wave"),
            pk=self.kwargs["pk"],
        )
