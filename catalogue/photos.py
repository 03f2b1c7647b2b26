"""Photos of labelled projects: the holder proposes one, staff approve or refuse it.

The holder of a labelled project (the owner of the entry's source application) sends a
photo with its text alternative, its credit and the consent to publish it. The upload is
checked (label.validators.validate_picture), re-encoded by Pillow (EXIF data dropped) and
kept in private storage. Staff approve it — it becomes the entry's published picture,
rendered in every size (catalogue/pictures.py) and replacing the previous one — or refuse it
with a reason. Each decision is mailed to the holder through the outbox.

A refused photo's file is deleted RETENTION_PHOTO_FILE_DAYS after the refusal, a replaced one's
that long after the approval that replaced it (photo_files_purge, nightly from the beat). When a
project leaves the catalogue (its label withdrawn), its published and pending photos — files and
rendered sizes — are deleted that long after, unless it is published again before.
"""

import hashlib
from datetime import timedelta
from io import BytesIO

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps

from catalogue.models import IMAGE_FORMATS, CatalogueEntry, PhotoStatus, ProjectPhoto
from catalogue.photo_models import photo_file_keep_days
from catalogue.pictures import picture_discard, picture_flatten, picture_store
from label.enums import Role
from label.services import outbox_enqueue
from label.validators import validate_picture

# A phone's photo is often 3 to 8 MB; the pixel cap stops decompression bombs.
PHOTO_MAX_BYTES = 10 * 1024 * 1024
PHOTO_MAX_PIXELS = 40_000_000
# Smaller than this, the page size (1200 px wide) and the link preview would look blurred.
PHOTO_MIN_LONG_SIDE = 800
PHOTO_MIN_SHORT_SIDE = 500
# The kept copy: large enough for every published size, without the camera's full weight.
PHOTO_KEPT_BOX = (2400, 2400)
PHOTO_KEPT_QUALITY = 88
CREDIT_SIGN = "©"
PHOTO_CONSENT_TEXT = gettext_lazy(
    "J'ai le droit de publier cette photo et j'accepte sa publication sur le site du Label Euralens"
)


def validate_project_photo(upload):
    """Refuse a file that is not a real JPEG, PNG or WebP photo, too heavy or too small."""
    validate_picture(
        upload,
        max_bytes=PHOTO_MAX_BYTES,
        max_pixels=PHOTO_MAX_PIXELS,
        formats=IMAGE_FORMATS,
        formats_message=_("Seules les photos JPEG, PNG ou WebP sont acceptées."),
    )
    upload.seek(0)
    with Image.open(upload) as picture:
        width, height = picture.size
    upload.seek(0)
    if max(width, height) < PHOTO_MIN_LONG_SIDE or min(width, height) < PHOTO_MIN_SHORT_SIDE:
        raise ValidationError(
            _(
                "La photo est trop petite (%(width)s × %(height)s pixels) : il faut au moins "
                "%(long)s pixels de large et %(short)s de haut pour qu'elle reste nette."
            ),
            params={
                "width": width,
                "height": height,
                "long": PHOTO_MIN_LONG_SIDE,
                "short": PHOTO_MIN_SHORT_SIDE,
            },
        )


def credit_normalise(credit):
    """The credit as published: « © Name », whether or not the sign was typed."""
    credit = " ".join((credit or "").split())
    if not credit:
        return ""
    if credit.startswith(CREDIT_SIGN):
        credit = credit[len(CREDIT_SIGN) :].strip()
    elif credit.lower().startswith("(c)"):
        credit = credit[3:].strip()
    return f"{CREDIT_SIGN} {credit}" if credit else ""


def _kept_jpeg(upload):
    """The upload re-encoded as an upright JPEG without EXIF data, at most PHOTO_KEPT_BOX;
    returns its bytes and its (width, height)."""
    upload.seek(0)
    with Image.open(upload) as original:
        picture = picture_flatten(ImageOps.exif_transpose(original))
    picture.thumbnail(PHOTO_KEPT_BOX, Image.Resampling.LANCZOS)
    buffer = BytesIO()
    picture.save(buffer, format="JPEG", quality=PHOTO_KEPT_QUALITY, optimize=True)
    return buffer.getvalue(), picture.size


def _holder_of(photo):
    application = photo.entry.source_application
    return photo.submitted_by or (application.owner if application is not None else None)


def _staff_accounts():
    return list(
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.INSTRUCTION)
        .distinct()
        .order_by("pk")
    )


@transaction.atomic
def photo_propose(*, entry, by, upload, alt, credit, consent):
    """The holder proposes a photo of their labelled project; staff are told by mail.

    Raises PermissionDenied for anyone but the holder of a labelled project, ValidationError
    (by field: file, alt, credit, consent) for a refused file or a missing answer. A proposal
    still pending is replaced by the new one (and staff, already told, are not mailed again).
    Returns the pending ProjectPhoto.
    """
    if not by.has_perm("catalogue.propose_photo", entry):
        raise PermissionDenied
    errors = {}
    alt = " ".join((alt or "").split())
    credit = credit_normalise(credit)
    if not consent:
        errors["consent"] = _("Cochez la case pour confirmer votre droit de publier la photo.")
    if not alt:
        errors["alt"] = _("Décrivez ce que montre la photo.")
    if not credit:
        errors["credit"] = _("Indiquez l'auteur ou le détenteur des droits de la photo.")
    try:
        validate_project_photo(upload)
    except ValidationError as error:
        errors["file"] = error.messages
    if errors:
        raise ValidationError(errors)

    # The pending proposal is replaced; its file goes with its row (photo_models.py).
    replaced, _by_model = entry.photos.filter(status=PhotoStatus.PENDING).delete()

    content, (width, height) = _kept_jpeg(upload)
    photo = ProjectPhoto(
        entry=entry,
        width=width,
        height=height,
        alt=alt[:250],
        credit=credit[:200],
        consent_at=timezone.now(),
        submitted_by=by,
    )
    photo.file.save(
        f"{hashlib.sha256(content).hexdigest()[:8]}.jpg", ContentFile(content), save=False
    )
    photo.save()
    if replaced:
        # Staff were told of the proposal it replaces: a holder trying several photos in a
        # row does not fill their mailboxes; the review page shows the latest.
        return photo
    for user in _staff_accounts():
        outbox_enqueue(
            to=user.email,
            recipient=user,
            template="catalogue_photo_proposed",
            context={"entry": entry, "photo": photo},
        )
    return photo


def _locked(photo):
    photo = (
        ProjectPhoto.objects.select_for_update(of=("self",))
        .select_related("entry__source_application__owner", "submitted_by")
        .get(pk=photo.pk)
    )
    if photo.status != PhotoStatus.PENDING:
        raise ValidationError(_("Cette photo a déjà été examinée."))
    return photo


def _mail_holder(photo):
    holder = _holder_of(photo)
    if holder is None or not holder.email:
        return None
    return outbox_enqueue(
        to=holder.email,
        recipient=holder,
        template="catalogue_photo_decided",
        context={
            "entry": photo.entry,
            "photo": photo,
            # A refused photo's file is deleted after this many days (photo_files_purge).
            "keep_days": photo_file_keep_days(),
            # Whether the mail may invite the holder to propose another photo from their space.
            "may_propose": holder.has_perm("catalogue.propose_photo", photo.entry),
        },
    )


@transaction.atomic
def photo_approve(*, photo, by):
    """Staff approve a proposed photo: it becomes the entry's published picture, in every size,
    with its credit; the photo approved before is marked replaced. The holder is told by mail.
    """
    if not by.has_perm("catalogue.review_photos"):
        raise PermissionDenied
    photo = _locked(photo)
    entry = photo.entry
    if not entry.is_published:
        # Its label withdrawn, the project is off the catalogue: nothing of it is published.
        raise ValidationError(
            _("Ce projet n'est plus au catalogue : sa photo ne peut pas être publiée.")
        )
    ProjectPhoto.objects.filter(entry=entry, status=PhotoStatus.APPROVED).update(
        status=PhotoStatus.REPLACED
    )
    photo.status = PhotoStatus.APPROVED
    photo.reviewed_by = by
    photo.reviewed_at = timezone.now()
    photo.rejection_reason = ""
    photo.save(update_fields=["status", "reviewed_by", "reviewed_at", "rejection_reason"])
    previous = entry.picture
    with photo.file.open("rb") as source:
        entry.picture = picture_store(
            source,
            folder=entry.slug,
            source_kind="photo",
            alt=photo.alt,
            credit=photo.credit,
            photo_id=photo.pk,
        )
    # Saving the entry also moves the catalogue's version: cached pages show the photo at once.
    entry.save(update_fields=["picture", "updated_at"])
    picture_discard(previous, keep=entry.picture)
    _mail_holder(photo)
    return photo


@transaction.atomic
def photo_reject(*, photo, by, reason):
    """Staff refuse a proposed photo with a reason, which is mailed to the holder."""
    if not by.has_perm("catalogue.review_photos"):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Expliquez au porteur pourquoi la photo est refusée.")})
    photo = _locked(photo)
    photo.status = PhotoStatus.REJECTED
    photo.reviewed_by = by
    photo.reviewed_at = timezone.now()
    photo.rejection_reason = reason[:1000]
    photo.save(update_fields=["status", "reviewed_by", "reviewed_at", "rejection_reason"])
    _mail_holder(photo)
    return photo


def photo_list_pending():
    """Proposals awaiting a decision, oldest first, with their project and holder."""
    return (
        ProjectPhoto.objects.filter(status=PhotoStatus.PENDING)
        .select_related("entry", "submitted_by")
        .order_by("submitted_at", "pk")
    )


def photo_list_decided(*, limit=20):
    """The latest decisions, newest first, for the staff page's record."""
    return (
        ProjectPhoto.objects.exclude(status=PhotoStatus.PENDING)
        .select_related("entry", "reviewed_by")
        .order_by("-reviewed_at", "-pk")[:limit]
    )


# The photos still on their project's page, or about to be, until the project leaves it.
PHOTO_SHOWN_STATES = (PhotoStatus.APPROVED, PhotoStatus.PENDING)


def photo_withdrawals_note(*, application=None, now=None):
    """Date the shown photos of entries off the catalogue that carry no date yet, and clear
    the date of those whose entry is back in it; returns (dated, cleared).

    A dated photo's files are deleted RETENTION_PHOTO_FILE_DAYS later (photo_files_purge)
    unless its entry comes back. Called for one project (`application`) when its label is
    withdrawn or it is labelled again (an appeal), inside that transaction; and for every
    entry by the nightly purge, which sees an entry unticked « publié » in the admin, or
    ticked again, and counts the period from that night. A date already set is kept.
    """
    photos = ProjectPhoto.objects.all()
    if application is not None:
        photos = photos.filter(entry__source_application_id=application.pk)
    dated = photos.filter(
        entry__is_published=False,
        status__in=PHOTO_SHOWN_STATES,
        entry_unpublished_at__isnull=True,
    ).update(entry_unpublished_at=now or timezone.now())
    cleared = photos.filter(entry__is_published=True, entry_unpublished_at__isnull=False).update(
        entry_unpublished_at=None
    )
    return dated, cleared


def photo_list_files_expired(*, now=None):
    """Photos whose file has outlived RETENTION_PHOTO_FILE_DAYS: refused that long ago, replaced
    by an approval that long ago, or published or pending when their project left the catalogue
    that long ago (and still off it). Other pending and published photos are never among them."""
    deadline = (now or timezone.now()) - timedelta(days=photo_file_keep_days())
    # The approval that replaced a photo is the entry's first one after it: a later approval
    # decided before the deadline means the replacement was before it too.
    replaced_before_deadline = ProjectPhoto.objects.filter(
        entry=OuterRef("entry"),
        status__in=(PhotoStatus.APPROVED, PhotoStatus.REPLACED),
        reviewed_at__gt=OuterRef("reviewed_at"),
        reviewed_at__lte=deadline,
    )
    return (
        ProjectPhoto.objects.exclude(file="")
        .filter(
            Q(status=PhotoStatus.REJECTED, reviewed_at__lte=deadline)
            | Q(Exists(replaced_before_deadline), status=PhotoStatus.REPLACED)
            # Checked again here: an entry published again by hand keeps its photo.
            | Q(
                status__in=PHOTO_SHOWN_STATES,
                entry_unpublished_at__lte=deadline,
                entry__is_published=False,
            )
        )
        .order_by("pk")
    )


@transaction.atomic
def photo_files_purge(*, now=None):
    """Delete the files of photos refused, replaced, or left by their project's withdrawal from
    the catalogue more than RETENTION_PHOTO_FILE_DAYS ago.

    Effects, in order: the photos of entries that left or came back to the catalogue by
    another way than a label's withdrawal or an appeal are dated or cleared
    (photo_withdrawals_note); the photos of a project off the catalogue become « withdrawn » and its
    entry loses the picture rendered from them (so nothing points at deleted sizes); the rows
    lose their file name (they stay, with their state, dates and reason, as the record of the
    decision); the stored files — proposals and rendered sizes — are deleted once the
    transaction commits, so that a rollback leaves no row pointing at a deleted file. The rows
    are locked: a pending photo could be decided meanwhile. Returns how many photos lost their
    file.
    """
    photo_withdrawals_note(now=now)
    expired = list(
        photo_list_files_expired(now=now)
        .select_for_update(of=("self",))
        .values_list("pk", "file", "status", "entry_id")
    )
    if not expired:
        return 0
    withdrawn = {
        pk: entry_id for pk, _name, status, entry_id in expired if status in PHOTO_SHOWN_STATES
    }
    if withdrawn:
        ProjectPhoto.objects.filter(pk__in=withdrawn).update(status=PhotoStatus.WITHDRAWN)
        _pictures_discard(photo_ids=set(withdrawn), entry_ids=set(withdrawn.values()))
    ProjectPhoto.objects.filter(pk__in=[pk for pk, *_rest in expired]).update(file="")
    storage = ProjectPhoto._meta.get_field("file").storage
    for _pk, name, *_rest in expired:
        transaction.on_commit(lambda name=name: storage.delete(name))
    return len(expired)


def _pictures_discard(*, photo_ids, entry_ids):
    """The entries whose picture was rendered from one of these photos lose it, sizes and all
    (a picture from a staff image stays: it is not the holder's)."""
    for entry in CatalogueEntry.objects.select_for_update().filter(
        pk__in=entry_ids, is_published=False
    ):
        picture = entry.picture or {}
        if picture.get("source") != "photo" or picture.get("photo") not in photo_ids:
            continue
        entry.picture = {}
        entry.save(update_fields=["picture", "updated_at"])
        picture_discard(picture)
