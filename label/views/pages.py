"""Public pages: home, legal pages, error pages."""

from django.conf import settings
from django.shortcuts import render
from django.views.generic import TemplateView


class HomeView(TemplateView):
    template_name = "label/home.html"


class AccessibilityView(TemplateView):
    template_name = "label/accessibility.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            accessibility_contact_email=settings.ACCESSIBILITY_CONTACT_EMAIL, **kwargs
        )


class LegalNoticeView(TemplateView):
    """/mentions-legales/: the publisher and the host, from the settings."""

    template_name = "label/legal_notice.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            legal_publisher=settings.LEGAL_PUBLISHER_DETAILS,
            legal_host=settings.LEGAL_HOST_DETAILS,
            **kwargs,
        )


def permission_denied(request, exception=None):
    """The French 403 page, in the portal's layout, with no data of the refused object."""
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)
