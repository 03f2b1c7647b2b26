"""Photos of labelled projects: the holder proposes, staff approve or refuse, pages show them."""

import gc
import re
import sys
import warnings
from html import unescape
from io import BytesIO

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from applications.enums import ApplicationState
from applications.models import Application
from applications.todo import todo_for_wave
from catalogue.models import CatalogueEntry, PhotoStatus, ProjectPhoto
from catalogue.photos import credit_normalise, photo_approve
from catalogue.selectors import entry_photo
from label.enums import Role
from label.models import OutboxMail
from tests.conftest import login
from tests.factories import CatalogueEntryFactory, UserFactory
from tests.factories.photos import photo_upload, proposed

pytestmark = pytest.mark.django_db


@pytest.fixture
def holder_client(holder):
    return login(Client(), holder)


@pytest.fixture
def staff_client(instruction_user):
    return login(Client(), instruction_user)


def propose_url(entry):
    return reverse("catalogue:photo_propose", args=[entry.slug])


def post_photo(client, entry, **overrides):
    data = {
        "file": photo_upload(),
        "alt": "Des bénévoles plantent des fruitiers au pied du terril",
        "credit": "Camille Martin",
        "consent": "on",
    }
    data.update(overrides)
    data = {key: value for key, value in data.items() if value is not None}
    return client.post(propose_url(entry), data)


# --- The holder's proposal ---------------------------------------------------------------


def test_holder_proposes_a_photo_that_waits_for_staff(
    holder_client, entry, instruction_user, django_capture_on_commit_callbacks
):
    page = holder_client.get(propose_url(entry))
    assert page.status_code == 200
    body = unescape(page.content.decode())
    assert "J'ai le droit de publier cette photo et j'accepte sa publication" in body
    assert 'enctype="multipart/form-data"' in body

    response = post_photo(holder_client, entry)

    assert response.status_code == 302
    photo = ProjectPhoto.objects.get()
    assert photo.status == PhotoStatus.PENDING
    assert photo.credit == "© Camille Martin"
    assert (
        photo.consent_at is not None and photo.submitted_by_id == entry.source_application.owner_id
    )
    assert photo.file.name.startswith("private/catalogue-photos/")
    assert (photo.width, photo.height) == (1600, 1000)
    assert OutboxMail.objects.filter(
        template="catalogue_photo_proposed", to=instruction_user.email
    ).exists()
    entry.refresh_from_db()
    assert entry.picture == {}, "nothing is published before staff approve"
    state = holder_client.get(propose_url(entry)).content.decode()
    assert "en attente de validation" in state


def test_proposal_is_re_encoded_without_exif(holder, entry):
    exif = Image.Exif()
    exif[0x010F] = "Appareil photo"  # Make
    exif[0x013B] = "Camille Martin"  # Artist

    photo = proposed(entry, holder, upload=photo_upload(exif=exif.tobytes()))

    with photo.file.open("rb") as handle, Image.open(handle) as kept:
        assert kept.format == "JPEG"
        assert dict(kept.getexif()) == {}


@pytest.mark.parametrize(
    ("overrides", "field_error"),
    [
        ({"consent": None}, "Cochez la case"),
        ({"alt": ""}, "Décrivez ce que montre la photo"),
        ({"credit": ""}, "Indiquez l'auteur"),
        ({"file": None}, "Choisissez la photo"),
        (
            {
                "file": SimpleUploadedFile(
                    "photo.jpg", b"<?php echo 'hello'; ?>", content_type="image/jpeg"
                )
            },
            "pas une image valide",
        ),
        ({"file": photo_upload(size=(640, 480))}, "trop petite"),
        ({"file": photo_upload(image_format="GIF")}, "JPEG, PNG ou WebP"),
    ],
)
def test_invalid_proposals_are_refused_with_the_reason(
    holder_client, entry, overrides, field_error
):
    response = post_photo(holder_client, entry, **overrides)

    assert response.status_code == 400
    assert field_error in unescape(response.content.decode())
    assert not ProjectPhoto.objects.exists()


def test_a_new_proposal_replaces_the_pending_one(
    holder, entry, instruction_user, django_capture_on_commit_callbacks
):
    first = proposed(entry, holder)
    first_name = first.file.name

    with django_capture_on_commit_callbacks(execute=True):
        second = proposed(entry, holder, alt="Autre vue")

    assert list(ProjectPhoto.objects.values_list("pk", flat=True)) == [second.pk]
    assert not default_storage.exists(first_name)
    # Staff were told once, of the first proposal.
    assert OutboxMail.objects.filter(template="catalogue_photo_proposed").count() == 1


def test_only_the_holder_of_a_labelled_project_may_propose(entry, roles):
    other = login(Client(), UserFactory(roles=[Role.APPLICANT]))
    assert other.get(propose_url(entry)).status_code == 404
    assert post_photo(other, entry).status_code == 404

    anonymous = Client().get(propose_url(entry))
    assert anonymous.status_code == 302 and "/comptes/" in anonymous["Location"]

    historical = CatalogueEntryFactory()
    assert other.get(propose_url(historical)).status_code == 404
    assert not ProjectPhoto.objects.exists()


def test_holder_of_a_withdrawn_label_may_no_longer_propose(holder_client, entry):
    Application.objects.filter(pk=entry.source_application_id).update(
        state=ApplicationState.REVOKED
    )

    assert holder_client.get(propose_url(entry)).status_code == 404


def test_proposed_file_is_shown_to_its_holder_and_staff_only(holder, entry, staff_client, roles):
    photo = proposed(entry, holder)
    url = reverse("catalogue:photo_file", args=[photo.pk])

    for client in (login(Client(), holder), staff_client):
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
        assert "no-store" in response["Cache-Control"]
        b"".join(response.streaming_content)  # read to the end, which closes the file
    other = login(Client(), UserFactory(roles=[Role.APPLICANT]))
    assert other.get(url).status_code == 404
    assert Client().get(url).status_code == 302


def test_followup_page_links_to_the_photo_page_with_its_state(holder_client, holder, entry):
    url = reverse("followup:holder", args=[entry.source_application_id])
    assert propose_url(entry) in holder_client.get(url).content.decode()

    proposed(entry, holder)

    page = unescape(holder_client.get(url).content.decode())
    assert "Votre dernière photo proposée : en attente de validation" in re.sub(
        r"<[^>]+>", "", page
    )


def test_credit_always_reads_with_the_copyright_sign():
    assert credit_normalise("Camille Martin") == "© Camille Martin"
    assert credit_normalise("©Camille  Martin") == "© Camille Martin"
    assert credit_normalise("(c) PMA") == "© PMA"
    assert credit_normalise("  ") == ""


# --- Staff's decision --------------------------------------------------------------------


def test_only_staff_see_and_decide_proposals(holder, entry, holder_client, roles):
    photo = proposed(entry, holder)

    assert holder_client.get(reverse("catalogue:photo_review_list")).status_code == 403
    approve = holder_client.post(reverse("catalogue:photo_approve", args=[photo.pk]))
    assert approve.status_code == 403
    reject = holder_client.post(
        reverse("catalogue:photo_reject", args=[photo.pk]), {f"photo-{photo.pk}-reason": "Non"}
    )
    assert reject.status_code == 403
    staff_without_factor = login(
        Client(), UserFactory(roles=[Role.APPLICANT, Role.INSTRUCTION]), otp_verified=False
    )
    unverified = staff_without_factor.post(reverse("catalogue:photo_approve", args=[photo.pk]))
    assert unverified.status_code == 302 and "double-authentification" in unverified["Location"]
    photo.refresh_from_db()
    assert photo.status == PhotoStatus.PENDING


def test_staff_approve_and_the_photo_is_published_in_every_size(
    holder, entry, staff_client, django_capture_on_commit_callbacks
):
    photo = proposed(entry, holder)
    listing = staff_client.get(reverse("catalogue:photo_review_list")).content.decode()
    assert entry.name in listing and "© Camille Martin" in listing

    response = staff_client.post(reverse("catalogue:photo_approve", args=[photo.pk]))

    assert response.status_code == 302
    photo.refresh_from_db()
    assert photo.status == PhotoStatus.APPROVED and photo.reviewed_by is not None
    entry.refresh_from_db()
    expected = {"card": (480, 320), "page": (1200, 750), "social": (1200, 630)}
    for size, dimensions in expected.items():
        variant = entry.picture["variants"][size]
        assert (variant["width"], variant["height"]) == dimensions
        for fmt, pillow_name in (("jpeg", "JPEG"), ("webp", "WEBP")):
            with default_storage.open(variant[fmt], "rb") as handle, Image.open(handle) as image:
                assert (image.format, image.size) == (pillow_name, dimensions)
    mail = OutboxMail.objects.get(template="catalogue_photo_decided")
    assert mail.to == holder.email
    assert "est publiée" in mail.subject
    assert entry.get_absolute_url() in mail.body_text


def test_a_new_approval_replaces_the_published_photo(
    holder, entry, instruction_user, django_capture_on_commit_callbacks
):
    first = proposed(entry, holder)
    with django_capture_on_commit_callbacks(execute=True):
        photo_approve(photo=first, by=instruction_user)
    entry.refresh_from_db()
    old_files = [
        entry.picture["variants"]["card"]["jpeg"],
        entry.picture["variants"]["page"]["webp"],
    ]

    second = proposed(entry, holder, upload=photo_upload(colour=(200, 60, 60)), credit="PMA")
    with django_capture_on_commit_callbacks(execute=True):
        photo_approve(photo=second, by=instruction_user)

    first.refresh_from_db()
    assert first.status == PhotoStatus.REPLACED
    assert ProjectPhoto.objects.filter(entry=entry, status=PhotoStatus.APPROVED).get() == second
    entry.refresh_from_db()
    assert entry.picture["photo"] == second.pk and entry.picture["credit"] == "© PMA"
    assert not any(default_storage.exists(name) for name in old_files)


def test_staff_refuse_with_a_reason_mailed_to_the_holder(holder, entry, staff_client):
    photo = proposed(entry, holder)
    url = reverse("catalogue:photo_reject", args=[photo.pk])

    without_reason = staff_client.post(url, {f"photo-{photo.pk}-reason": "  "})
    assert without_reason.status_code == 400
    assert 'aria-invalid="true"' in without_reason.content.decode()

    response = staff_client.post(
        url, {f"photo-{photo.pk}-reason": "La photo est floue : merci d'en envoyer une plus nette."}
    )

    assert response.status_code == 302
    photo.refresh_from_db()
    assert photo.status == PhotoStatus.REJECTED
    assert photo.rejection_reason.startswith("La photo est floue")
    mail = OutboxMail.objects.get(template="catalogue_photo_decided")
    assert mail.to == holder.email
    assert "La photo est floue" in mail.body_text and "La photo est floue" in mail.body_html
    assert propose_url(entry) in mail.body_text
    entry.refresh_from_db()
    assert entry.picture == {}
    state = unescape(login(Client(), holder).get(propose_url(entry)).content.decode())
    assert "refusée" in state and "La photo est floue" in state


def test_a_decided_photo_cannot_be_decided_again(holder, entry, staff_client):
    photo = proposed(entry, holder)
    staff_client.post(reverse("catalogue:photo_approve", args=[photo.pk]))

    staff_client.post(
        reverse("catalogue:photo_reject", args=[photo.pk]), {f"photo-{photo.pk}-reason": "Non"}
    )

    photo.refresh_from_db()
    assert photo.status == PhotoStatus.APPROVED
    assert OutboxMail.objects.filter(template="catalogue_photo_decided").count() == 1


def test_pending_photos_are_on_the_staff_todo(holder, entry, open_wave):
    proposed(entry, holder)

    line = next(item for item in todo_for_wave(open_wave) if item.key == "catalogue_photos_pending")

    assert line.count == 1
    assert line.url == reverse("catalogue:photo_review_list")


# --- Public pages ------------------------------------------------------------------------


@pytest.fixture
def published(holder, entry, instruction_user):
    photo = proposed(entry, holder, alt="Le jardin au printemps")
    photo_approve(photo=photo, by=instruction_user)
    return CatalogueEntry.objects.get(pk=entry.pk)


def test_project_page_shows_the_picture_with_its_sizes_webp_and_credit(published):
    body = unescape(Client().get(published.get_absolute_url()).content.decode())

    page = published.page_picture
    assert '<source type="image/webp"' in body
    assert f'srcset="{page.webp_url}"' in body
    # The page's largest element, above the fold: fetched at once and first, never lazily.
    assert re.search(
        rf'<img class="[^"]*" src="{re.escape(page.jpeg_url)}" alt="Le jardin au printemps" '
        r'width="1200" height="750" fetchpriority="high">',
        body,
    )
    assert 'loading="lazy"' not in re.search(r"<picture>.*?</picture>", body, re.S).group()
    assert "<figcaption" in body and "© Camille Martin" in body
    social = published.social_picture
    assert f'<meta property="og:image" content="http://testserver{social.jpeg_url}">' in body
    assert '<meta property="og:image:width" content="1200">' in body
    assert '<meta property="og:image:height" content="630">' in body


def test_cards_show_the_card_size_with_width_and_height(published):
    body = unescape(Client().get(reverse("catalogue:list")).content.decode())

    card = published.card_picture
    assert f'srcset="{card.webp_url}"' in body
    assert (
        f'src="{card.jpeg_url}" alt="" width="480" height="320" loading="lazy" decoding="async">'
        in body
    )
    assert "fetchpriority" not in body


def test_picture_sizes_are_served_in_both_formats(published):
    client = Client()
    for url, content_type, pillow_format in (
        (published.card_picture.webp_url, "image/webp", "WEBP"),
        (published.card_picture.jpeg_url, "image/jpeg", "JPEG"),
        (published.social_picture.webp_url, "image/webp", "WEBP"),
    ):
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == content_type
        assert "max-age" in response["Cache-Control"]
        with Image.open(BytesIO(b"".join(response.streaming_content))) as served:
            assert served.format == pillow_format
    assert client.get(f"/projets/{published.slug}/image/inconnue.webp").status_code == 404


def test_staff_image_uses_the_same_sizes(db):
    entry = CatalogueEntryFactory(image_alt="Les panneaux sur le toit")
    entry.image = photo_upload(size=(900, 600))
    entry.save()

    assert entry.picture["source"] == "image"
    assert set(entry.picture["variants"]) == {"card", "page", "social"}
    assert entry.page_picture.alt == "Les panneaux sur le toit"
    assert entry.page_picture.webp_url.startswith(f"/projets/{entry.slug}/image/grande.webp?v=")


def test_rendering_a_stored_staff_image_leaves_no_file_open(db, monkeypatch):
    # An image already in storage (an import, a script) set on an entry by its name: the
    # rendering opens the stored file itself, and must close it. A file left to the garbage
    # collector warns in its finaliser, where an error only reaches sys.unraisablehook.
    name = default_storage.save("catalogue/originaux/panneaux.jpg", photo_upload(size=(900, 600)))
    left_open = []
    monkeypatch.setattr(sys, "unraisablehook", lambda unraisable: left_open.append(unraisable))

    def render():
        entry = CatalogueEntryFactory(image_alt="Les panneaux sur le toit")
        entry.image = name
        entry.save()
        return entry.picture

    with warnings.catch_warnings():
        warnings.simplefilter("error", ResourceWarning)
        picture = render()
        gc.collect()

    assert [str(unraisable.exc_value) for unraisable in left_open] == []
    assert picture["source"] == "image"
    assert default_storage.exists(picture["variants"]["page"]["webp"])


def test_entry_photo_for_the_booklet(published):
    photo = entry_photo(published)

    assert photo.alt == "Le jardin au printemps" and photo.credit == "© Camille Martin"
    assert (photo.width, photo.height) == (1200, 750)
    with Image.open(photo.page_jpeg_path) as image:
        assert (image.format, image.size) == ("JPEG", (1200, 750))
    assert entry_photo(CatalogueEntryFactory()) is None


def test_clearing_the_staff_image_falls_back_to_the_approved_photo(
    published, django_capture_on_commit_callbacks
):
    entry = CatalogueEntry.objects.get(pk=published.pk)
    photo_version = entry.picture["version"]
    entry.image = photo_upload(size=(900, 600), colour=(10, 10, 10))
    entry.save()
    assert entry.picture["source"] == "image"

    with django_capture_on_commit_callbacks(execute=True):
        entry.image = ""
        entry.save()

    entry.refresh_from_db()
    assert entry.picture["source"] == "photo" and entry.picture["version"] == photo_version
    assert entry.page_picture.credit == "© Camille Martin"
    assert default_storage.exists(entry.picture["variants"]["page"]["jpeg"])


def test_deleting_a_project_leaves_no_picture_or_proposal_file(
    published, holder, django_capture_on_commit_callbacks
):
    pending = proposed(published, holder)
    names = [pending.file.name, *published.picture["variants"]["card"].values()]
    names = [name for name in names if isinstance(name, str)]

    with django_capture_on_commit_callbacks(execute=True):
        CatalogueEntry.objects.get(pk=published.pk).delete()

    assert not any(default_storage.exists(name) for name in names)


def test_admin_lists_the_proposals_read_only(published, roles):
    admin_user = UserFactory(roles=[Role.APPLICANT, Role.INSTRUCTION], is_staff=True)
    admin_user.is_superuser = True
    admin_user.save()
    client = login(Client(), admin_user)

    listing = client.get(reverse("admin:catalogue_projectphoto_changelist"))

    assert listing.status_code == 200
    assert published.name in listing.content.decode()
    assert client.get(reverse("admin:catalogue_projectphoto_add")).status_code == 403
