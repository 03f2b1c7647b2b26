"""Pages of the instruction area (/instruction/): dashboard, staff application page, moves."""

from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin


class InstructionHomeView(PermissionRequiredMixin, TemplateView):
    permission_required = "label.access_instruction_area"
    template_name = "applications/instruction_home.html"
