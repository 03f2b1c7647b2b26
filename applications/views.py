"""Pages of the applicant area (/mon-espace/) and of the instruction area (/instruction/)."""

from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin


class ApplicantHomeView(PermissionRequiredMixin, TemplateView):
    permission_required = "label.access_applicant_area"
    template_name = "applications/applicant_home.html"


class InstructionHomeView(PermissionRequiredMixin, TemplateView):
    permission_required = "label.access_instruction_area"
    template_name = "applications/instruction_home.html"
