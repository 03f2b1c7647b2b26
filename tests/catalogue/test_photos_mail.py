"""The mail that tells the holder staff's decision on their photo: a refusal says when the
refused file is deleted (RETENTION_PHOTO_FILE_DAYS) and how to propose another one."""

from html import unescape

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from catalogue.photos import photo_approve
from label.dates import paris_date_display
from label.models import OutboxMail
from reviews.jury.workflow import label_revoke
from tests.conftest import login
from tests.factories.photos import REFUSAL_REASON as REASON
from tests.factories.photos import proposed

pytestmark = pytest.mark.django_db


def refuse(photo, staff):
    response = login(Client(), staff).post(
        reverse("catalogue:photo_reject", args=[photo.pk]), {f"photo-{photo.pk}-reason": REASON}
    )
    assert response.status_code == 302
    photo.refresh_from_db()
    return OutboxMail.objects.get(template="catalogue_photo_decided")


def deletion_sentence(photo, days):
    date = paris_date_display(photo.file_kept_until)
    unit = "jour" if days == 1 else "jours"
    return (
        f"Le fichier de la photo refusée sera supprimé de nos serveurs dans {days} {unit}, "
        f"à partir du {date}."
    )


def test_refusal_mail_says_when_the_file_goes_and_how_to_propose_another(
    holder, entry, instruction_user
):
    photo = proposed(entry, holder)

    mail = refuse(photo, instruction_user)

    days = settings.RETENTION_PHOTO_FILE_DAYS
    link = settings.SITE_URL + reverse("catalogue:photo_propose", args=[entry.slug])
    assert mail.to == holder.email
    assert mail.subject == "La photo de « Jardins partagés du 12-14 » n'a pas été retenue"
    assert REASON in mail.body_text
    assert deletion_sentence(photo, days) in mail.body_text
    assert f"Vous pouvez proposer une autre photo depuis votre espace : {link}" in mail.body_text
    html = unescape(mail.body_html)
    assert REASON in html
    assert deletion_sentence(photo, days) in html
    assert "Vous pouvez proposer une autre photo depuis votre espace :" in html
    assert f'<a href="{link}">Proposer une autre photo</a>' in html


def test_refusal_mail_counts_the_days_of_the_setting(holder, entry, instruction_user, settings):
    settings.RETENTION_PHOTO_FILE_DAYS = 1
    photo = proposed(entry, holder)

    mail = refuse(photo, instruction_user)

    assert deletion_sentence(photo, 1) in mail.body_text
    assert deletion_sentence(photo, 1) in unescape(mail.body_html)


def test_approval_mail_says_nothing_of_a_deletion(holder, entry, instruction_user):
    photo_approve(photo=proposed(entry, holder), by=instruction_user)

    mail = OutboxMail.objects.get(template="catalogue_photo_decided")

    assert mail.subject == "La photo de « Jardins partagés du 12-14 » est publiée"
    for body in (mail.body_text, unescape(mail.body_html)):
        assert "supprimé" not in body and "proposer une autre photo" not in body


def test_refusal_after_the_label_was_withdrawn_does_not_invite_another_photo(
    holder, entry, instruction_user
):
    photo = proposed(entry, holder)
    label_revoke(application=entry.source_application, by=instruction_user, motivation="Rupture.")

    mail = refuse(photo, instruction_user)

    propose_url = reverse("catalogue:photo_propose", args=[entry.slug])
    for body in (mail.body_text, unescape(mail.body_html)):
        assert deletion_sentence(photo, settings.RETENTION_PHOTO_FILE_DAYS) in body
        assert "proposer une autre photo" not in body and propose_url not in body
