"""The jury area (/jury/)."""

from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin


class JuryHomeView(PermissionRequiredMixin, TemplateView):
    permission_required = "label.access_jury_area"
    template_name = "reviews/jury_home.html"
