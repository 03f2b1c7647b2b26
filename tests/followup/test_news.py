"""News of a labelled project: proposed by the holder, published after staff approval."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from catalogue.services import catalogue_entry_publish_from_application
from followup.enums import NewsStatus
from followup.models import ProjectNews
from label.models import OutboxMail
from tests.conftest import login

pytestmark = pytest.mark.django_db


def photo():
    buffer = BytesIO()
    Image.new("RGB", (1600, 900), (200, 160, 40)).save(buffer, format="JPEG")
    return SimpleUploadedFile("fete.jpg", buffer.getvalue(), content_type="image/jpeg")


def propose(client, project, **data):
    payload = {"title": "Fête des récoltes", "body": "Deux cents visiteurs ce dimanche."}
    payload.update(data)
    payload = {f"news-{key}": value for key, value in payload.items()}
    return client.post(reverse("followup:news_create", args=[project.pk]), payload)


def test_news_published_on_public_page_after_approval(
    holder_client, project, instruction_user, django_capture_on_commit_callbacks
):
    entry = catalogue_entry_publish_from_application(project)
    public = Client()
    assert "Fête des récoltes" not in public.get(entry.get_absolute_url()).content.decode()
    propose(holder_client, project, image=photo(), image_alt="Des visiteurs autour des bacs")
    news = ProjectNews.objects.get()
    assert news.status == NewsStatus.PENDING
    assert OutboxMail.objects.filter(template="followup_news_proposed").exists()
    assert "Fête des récoltes" not in public.get(entry.get_absolute_url()).content.decode()

    staff = login(Client(), instruction_user)
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(reverse("followup:news_decide", args=[news.pk]), {"decision": "approve"})

    page = public.get(entry.get_absolute_url()).content.decode()
    assert "Fête des récoltes" in page
    assert 'alt="Des visiteurs autour des bacs"' in page
    response = public.get(reverse("followup:news_photo", args=[news.pk]))
    served = b"".join(response.streaming_content)
    with Image.open(BytesIO(served)) as picture:
        assert max(picture.size) == 1200
    assert OutboxMail.objects.get(template="followup_news_decided").to == project.owner.email


def test_rejected_or_pending_news_and_its_photo_stay_private(
    holder_client, project, instruction_user
):
    propose(holder_client, project, image=photo(), image_alt="Une photo")
    news = ProjectNews.objects.get()
    public = Client()

    assert public.get(reverse("followup:news_photo", args=[news.pk])).status_code == 404
    staff = login(Client(), instruction_user)
    staff.post(reverse("followup:news_decide", args=[news.pk]), {"decision": "reject"})
    news.refresh_from_db()
    assert news.status == NewsStatus.REJECTED
    assert public.get(reverse("followup:news_photo", args=[news.pk])).status_code == 404


def test_photo_without_alt_text_is_refused(holder_client, project):
    response = propose(holder_client, project, image=photo())

    assert not ProjectNews.objects.exists()
    assert 'href="#id_news-image_alt"' in response.content.decode()


def test_holder_cannot_approve_own_news(holder_client, project):
    propose(holder_client, project)
    news = ProjectNews.objects.get()

    holder_client.post(reverse("followup:news_decide", args=[news.pk]), {"decision": "approve"})

    news.refresh_from_db()
    assert news.status == NewsStatus.PENDING
