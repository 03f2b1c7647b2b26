"""Pages of the reviewer area (/evaluations/) and of the jury area (/jury/)."""

from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin


class ReviewerHomeView(PermissionRequiredMixin, TemplateView):
    permission_required = "label.access_review_area"
    template_name = "reviews/reviewer_home.html"


class JuryHomeView(PermissionRequiredMixin, TemplateView):
    permission_required = "label.access_jury_area"
    template_name = "reviews/jury_home.html"
