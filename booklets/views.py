"""Pages of the « Cahier du label ».

- staff (/instruction/vagues/<number>/cahier/): write the introduction, generate a version
  (a progress bar follows it), download any version, publish or withdraw one (publishing
  asks for a confirmation first);
- the public (/projets/cahiers/): the published cahier of each edition, and its download.
  A version not published is a 404 for the public, whatever its number.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView, View
from rules.contrib.views import PermissionRequiredMixin

from booklets.forms import BookletIntroductionForm
from booklets.models import BookletStatus
from booklets.selectors import (
    booklet_get_for_wave,
    booklet_get_published,
    booklet_list_for_wave,
    booklet_list_published,
    booklet_settings_get,
)
from booklets.services import (
    booklet_introduction_save,
    booklet_publish,
    booklet_request,
    booklet_wave_may_have_booklet,
    booklet_withdraw,
    booklets_expire_lost,
)
from label.models import Wave


class BookletStaffMixin(PermissionRequiredMixin):
    """The instruction team only: the login page for visitors, the 403 page for others."""

    permission_required = "booklets.manage_booklet"

    def get_permission_object(self):
        # The right is the staff role, not one wave: checked before any lookup, so that
        # someone without it gets 403 whatever the URL names.
        return None

    def get_wave(self):
        if not hasattr(self, "_wave"):
            self._wave = get_object_or_404(Wave, number=self.kwargs["number"])
        return self._wave

    def get_booklet(self):
        booklet = booklet_get_for_wave(self.get_wave(), self.kwargs["version"])
        if booklet is None:
            raise Http404
        return booklet

    def page_url(self):
        return reverse("booklets:staff", kwargs={"number": self.get_wave().number})


def _download(booklet, *, filename):
    return FileResponse(
        booklet.file.open("rb"),
        as_attachment=True,
        filename=filename,
        content_type="application/pdf",
    )


def _status_payload(booklet):
    return {
        "version": booklet.version,
        "status": booklet.status,
        "status_label": str(booklet.get_status_display()),
        "progress": booklet.progress,
        "message": booklet.message,
        "done": booklet.status in (BookletStatus.DONE, BookletStatus.FAILED),
    }


class BookletStaffView(BookletStaffMixin, TemplateView):
    """The wave's cahier: its introduction, « Générer le cahier », the versions."""

    template_name = "booklets/booklet_staff.html"

    def get_context_data(self, **kwargs):
        wave = self.get_wave()
        # A version a dead worker left « en cours » shows as failed, and frees the button.
        booklets_expire_lost(wave=wave)
        booklets = list(booklet_list_for_wave(wave))
        active = next((booklet for booklet in booklets if booklet.is_active), None)
        return super().get_context_data(
            wave=wave,
            may_generate=booklet_wave_may_have_booklet(wave),
            form=kwargs.get("form") or BookletIntroductionForm(instance=booklet_settings_get(wave)),
            booklets=booklets,
            active=active,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        wave = self.get_wave()
        form = BookletIntroductionForm(request.POST, instance=booklet_settings_get(wave))
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        booklet_introduction_save(
            wave=wave, introduction=form.cleaned_data["introduction"], by=request.user
        )
        messages.success(request, _("L'introduction du cahier est enregistrée."))
        return redirect(self.page_url())


class BookletGenerateView(BookletStaffMixin, View):
    """« Générer le cahier »: a new version, queued (POST only)."""

    def post(self, request, *args, **kwargs):
        try:
            booklet = booklet_request(wave=self.get_wave(), by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("La génération de la version %(version)s du cahier est lancée.")
                % {"version": booklet.version},
            )
        return redirect(self.page_url())


class BookletStatusView(BookletStaffMixin, View):
    """Where a version's generation stands, as JSON (polled by the progress bar)."""

    def get(self, request, *args, **kwargs):
        # A lost version answers « failed », so the polling page reloads and says why.
        booklets_expire_lost(wave=self.get_wave())
        response = JsonResponse(_status_payload(self.get_booklet()))
        response["Cache-Control"] = "no-store"
        return response


class BookletStaffDownloadView(BookletStaffMixin, View):
    """Any ready version's PDF, published or not, for staff."""

    def get(self, request, *args, **kwargs):
        booklet = self.get_booklet()
        if not booklet.is_done or not booklet.file:
            raise Http404
        response = _download(
            booklet,
            filename=f"cahier-du-label-vague-{booklet.wave.number}-v{booklet.version}.pdf",
        )
        response["Cache-Control"] = "private, no-store"
        return response


class BookletPublishView(BookletStaffMixin, TemplateView):
    """« Publier »: a confirmation page (GET), then the publication (POST)."""

    template_name = "booklets/booklet_publish_confirm.html"

    def get_context_data(self, **kwargs):
        wave = self.get_wave()
        booklet = self.get_booklet()
        published = next(
            (other for other in booklet_list_for_wave(wave) if other.is_published), None
        )
        return super().get_context_data(
            wave=wave, booklet=booklet, replaces=published if published != booklet else None
        )

    def post(self, request, *args, **kwargs):
        try:
            booklet = booklet_publish(booklet=self.get_booklet(), by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("La version %(version)s du cahier est publiée sur la page des cahiers.")
                % {"version": booklet.version},
            )
        return redirect(self.page_url())


class BookletWithdrawView(BookletStaffMixin, View):
    """« Retirer »: the version leaves the public list (POST only)."""

    def post(self, request, *args, **kwargs):
        booklet = booklet_withdraw(booklet=self.get_booklet(), by=request.user)
        messages.success(
            request,
            _("La version %(version)s du cahier n'est plus publiée.")
            % {"version": booklet.version},
        )
        return redirect(self.page_url())


@require_GET
def booklet_public_list(request):
    """/projets/cahiers/: the published cahier of each edition, with its size."""
    return render(request, "booklets/booklet_list.html", {"booklets": booklet_list_published()})


@require_GET
def booklet_public_download(request, number):
    """The published cahier of a wave; a 404 when none is published."""
    booklet = booklet_get_published(number)
    if booklet is None or not request.user.has_perm("booklets.download_booklet", booklet):
        raise Http404
    if not booklet.file:
        raise Http404
    response = _download(booklet, filename=f"cahier-du-label-vague-{booklet.wave.number}.pdf")
    # The same address serves the next version published, and nothing once it is withdrawn:
    # caches must ask again every time.
    response["Cache-Control"] = "no-cache"
    return response
