"""The access mixins of the applicant's pages: one place decides whose file a page shows."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from rules.contrib.views import PermissionRequiredMixin

from applications import selectors


class ApplicantAreaMixin(PermissionRequiredMixin):
    """Pages for a logged-in person: anonymous visitors are sent to the login page."""

    permission_required = "label.access_applicant_area"


class OwnApplicationMixin(ApplicantAreaMixin):
    """Pages about one of the visitor's own applications; anyone else's answers 404.

    ``owner_selector`` reads the application among the account's own: the full one (wave,
    communes, financing, documents) by default; the editor's frequent requests (autosave)
    use a lighter one.
    """

    owner_selector = staticmethod(selectors.application_get_for_owner)

    def get_application(self):
        if not hasattr(self, "_application"):
            application = self.owner_selector(self.request.user, self.kwargs["pk"])
            if application is None:
                raise Http404
            self._application = application
        return self._application

    def get_context_data(self, **kwargs):
        return super().get_context_data(application=self.get_application(), **kwargs)

    def refuse_if_not_editable(self, application):
        """A redirect to the file's page when it can no longer be edited, else None."""
        if self.request.user.has_perm("applications.change_application", application):
            return None
        messages.error(
            self.request,
            _("Ce dossier est à l'état « %(state)s » : il ne peut plus être modifié.")
            % {"state": application.get_state_display()},
        )
        return redirect("applications:detail", pk=application.pk)
