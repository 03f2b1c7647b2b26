"""News of labelled projects: proposed by the holder, published once staff approve them."""

import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.uploads import check_upload
from catalogue.models import catalogue_touch
from followup.enums import NewsStatus
from followup.models import ProjectNews
from followup.reports import PHOTO_EXTENSIONS, _resized_jpeg
from followup.services import _notify_staff
from label.services import outbox_enqueue


@transaction.atomic
def news_propose(*, application, by, title, body, upload=None, image_alt=""):
    """The holder proposes a news item (with an optional photo); staff are told by mail."""
    if not by.has_perm("followup.act_as_holder", application):
        raise PermissionDenied
    news = ProjectNews(
        application=application, title=title.strip(), body=body.strip(), created_by=by
    )
    if upload is not None:
        if not image_alt.strip():
            raise ValidationError(_("Décrivez la photo dans son texte alternatif."))
        checked = check_upload(upload)
        if checked.extension not in PHOTO_EXTENSIONS:
            raise ValidationError(_("Seules les photos JPEG ou PNG sont acceptées."))
        content = _resized_jpeg(upload)
        news.image_alt = image_alt.strip()
        news.image.save(
            f"{hashlib.sha256(content).hexdigest()[:8]}.jpg", ContentFile(content), save=False
        )
    news.save()
    _notify_staff(
        template="followup_news_proposed", context={"application": application, "news": news}
    )
    return news


@transaction.atomic
def news_decide(*, news, by, approve):
    """Staff approve (publish on the public page) or reject a proposed news item."""
    news = (
        ProjectNews.objects.select_for_update(of=("self",))
        .select_related("application__owner")
        .get(pk=news.pk)
    )
    if not by.has_perm("followup.manage_followup", news.application):
        raise PermissionDenied
    news.status = NewsStatus.APPROVED if approve else NewsStatus.REJECTED
    news.decided_at = timezone.now()
    news.decided_by = by
    news.save(update_fields=["status", "decided_at", "decided_by"])
    # The public project page is cached by catalogue version: a change must show at once.
    transaction.on_commit(catalogue_touch)
    owner = news.application.owner
    outbox_enqueue(
        to=owner.email,
        recipient=owner,
        template="followup_news_decided",
        context={"application": news.application, "news": news},
    )
    return news
