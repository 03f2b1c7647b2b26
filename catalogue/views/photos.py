"""Photo pages: the holder's proposal in /mon-espace/, staff's decisions in /instruction/."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from catalogue.forms import PhotoProposalForm, PhotoRejectForm
from catalogue.models import CatalogueEntry, ProjectPhoto
from catalogue.photos import (
    photo_approve,
    photo_list_decided,
    photo_list_pending,
    photo_propose,
    photo_reject,
)


def permission_required(permission):
    """Signed-out visitors go to the login page; signed-in ones without ``permission`` get the
    403 page (a login page would only send them back here)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not request.user.has_perm(permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def _holder_entry(request, slug):
    """The entry whose photo the request's account may propose; anyone else learns nothing."""
    entry = (
        CatalogueEntry.objects.select_related("source_application")
        .filter(slug=slug, source_application__isnull=False)
        .first()
    )
    if entry is None or not request.user.has_perm("catalogue.propose_photo", entry):
        raise Http404
    return entry


@permission_required("label.access_applicant_area")
def photo_propose_page(request, slug):
    """The holder proposes a photo of their labelled project and sees where it stands."""
    entry = _holder_entry(request, slug)
    status = 200
    if request.method == "POST":
        form = PhotoProposalForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                photo_propose(
                    entry=entry,
                    by=request.user,
                    upload=form.cleaned_data["file"],
                    alt=form.cleaned_data["alt"],
                    credit=form.cleaned_data["credit"],
                    consent=form.cleaned_data["consent"],
                )
            except ValidationError as error:
                for field, field_errors in error.message_dict.items():
                    form.add_error(field, field_errors)
        if not form.errors:
            messages.success(
                request,
                _(
                    "Merci : votre photo est envoyée. Elle sera publiée après validation par "
                    "l'équipe du label."
                ),
            )
            return redirect("catalogue:photo_propose", slug=entry.slug)
        status = 400
    else:
        form = PhotoProposalForm()
    context = {
        "entry": entry,
        "application": entry.source_application,
        "form": form,
        "photos": list(entry.photos.select_related("reviewed_by")),
        "published": entry.page_picture,
    }
    return render(request, "catalogue/photos/propose.html", context, status=status)


@permission_required("label.access_applicant_area")
def photo_file(request, pk):
    """A proposed photo, for its holder and for staff only (it is not public before approval);
    a refused or replaced one only until its file is deleted."""
    photo = ProjectPhoto.objects.select_related("entry__source_application").filter(pk=pk).first()
    if photo is None or not request.user.has_perm("catalogue.view_proposed_photo", photo):
        raise Http404
    if not photo.file:
        raise Http404  # deleted after its retention period (photos.photo_files_purge)
    response = FileResponse(photo.file.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response


def _review_page(request, *, reject_forms=None, status=200):
    reject_forms = reject_forms or {}
    pending = [
        (photo, reject_forms.get(photo.pk) or PhotoRejectForm(prefix=f"photo-{photo.pk}"))
        for photo in photo_list_pending()
    ]
    context = {"pending": pending, "decided": list(photo_list_decided())}
    return render(request, "catalogue/photos/review_list.html", context, status=status)


@permission_required("catalogue.review_photos")
def photo_review_list(request):
    """Staff's list of proposed photos awaiting a decision, and the latest decisions."""
    return _review_page(request)


@require_POST
@permission_required("catalogue.review_photos")
def photo_approve_view(request, pk):
    """Staff publish a proposed photo on its project's page."""
    photo = get_object_or_404(ProjectPhoto, pk=pk)
    try:
        photo = photo_approve(photo=photo, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("La photo de « %(name)s » est publiée ; le porteur est prévenu.")
            % {"name": photo.entry.name},
        )
    return redirect("catalogue:photo_review_list")


@require_POST
@permission_required("catalogue.review_photos")
def photo_reject_view(request, pk):
    """Staff refuse a proposed photo; the reason is mailed to the holder."""
    photo = get_object_or_404(ProjectPhoto, pk=pk)
    form = PhotoRejectForm(request.POST, prefix=f"photo-{photo.pk}")
    if form.is_valid():
        try:
            photo = photo_reject(photo=photo, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("La photo de « %(name)s » est refusée ; le porteur reçoit le motif.")
                % {"name": photo.entry.name},
            )
        return redirect("catalogue:photo_review_list")
    return _review_page(request, reject_forms={photo.pk: form}, status=400)
