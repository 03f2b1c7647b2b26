"""Staff pages that act on the jury's decisions, under /instruction/: the announcement of a
wave's results and the withdrawal of a label. Both show a confirmation page first."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import TemplateView
from django_fsm import ConcurrentTransition, TransitionNotAllowed
from rules.contrib.views import PermissionRequiredMixin

from applications.models import Application
from label.models import Wave
from reviews import selectors_jury, workflow
from reviews.forms_jury import AnnounceForm, RevokeForm


class AnnounceView(PermissionRequiredMixin, TemplateView):
    """The announcement of a wave's results: what will happen, then one confirmed POST."""

    permission_required = "reviews.announce_results"
    template_name = "reviews/announce_confirm.html"

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        self.wave = get_object_or_404(Wave, pk=kwargs["wave_pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, form=None, **kwargs):
        return super().get_context_data(
            wave=self.wave,
            plan=selectors_jury.announcement_plan(self.wave),
            announced=selectors_jury.announced_list_for_wave(self.wave),
            form=form or AnnounceForm(),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        form = AnnounceForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            result = workflow.wave_announce(wave=self.wave, by=request.user)
        except workflow.AnnouncementBlocked as error:
            form.add_error(None, error)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        except (TransitionNotAllowed, ConcurrentTransition):
            messages.error(
                request,
                _(
                    "L'annonce n'a pas eu lieu : un dossier a changé d'état entre-temps. "
                    "Vérifiez la liste, puis annoncez à nouveau."
                ),
            )
            return redirect("reviews:announce", wave_pk=self.wave.pk)
        if result.nothing_announced:
            messages.info(
                request,
                _("Rien à annoncer : toutes les décisions de cette vague sont déjà annoncées."),
            )
        else:
            count = len(result.applications)
            messages.success(
                request,
                ngettext(
                    "%(count)d décision annoncée ; le porteur est prévenu par e-mail.",
                    "%(count)d décisions annoncées ; chaque porteur est prévenu par e-mail.",
                    count,
                )
                % {"count": count},
            )
        return redirect("reviews:announce", wave_pk=self.wave.pk)


class RevokeView(PermissionRequiredMixin, TemplateView):
    """Withdraw a project's label: a confirmation page with the motivation, then the move."""

    permission_required = "reviews.manage_reviews"
    template_name = "reviews/revoke_confirm.html"

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        self.application = (
            Application.objects.select_related("wave", "owner").filter(pk=kwargs["pk"]).first()
        )
        if self.application is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, form=None, **kwargs):
        return super().get_context_data(
            application=self.application,
            may_revoke=self.request.user.has_perm("reviews.revoke_label", self.application),
            form=form or RevokeForm(),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        application = self.application
        form = RevokeForm(request.POST)
        if not request.user.has_perm("reviews.revoke_label", application):
            messages.error(
                request,
                _("Seul le label d'un projet labellisé peut être retiré (état actuel : %(state)s).")
                % {"state": application.get_state_display()},
            )
            return self.render_to_response(self.get_context_data(form=form), status=400)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            workflow.label_revoke(
                application=application,
                by=request.user,
                motivation=form.cleaned_data["motivation"],
            )
        except (TransitionNotAllowed, ConcurrentTransition):
            messages.error(
                request,
                _("Le label n'a pas été retiré : l'état du dossier a changé entre-temps."),
            )
            return redirect("applications:instruction_detail", pk=application.pk)
        except ValidationError as error:
            form.add_error(None, error)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(
            request,
            _(
                "Le label est retiré : le projet n'est plus au catalogue, la page de "
                "vérification de son certificat l'indique et le porteur est prévenu par e-mail."
            ),
        )
        return redirect("applications:instruction_detail", pk=application.pk)
