"""The catalogue entry: slugs, search column, safe Markdown, pictures and their sizes."""

from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from catalogue.models import (
    IMAGE_MAX_BYTES,
    CatalogueEntry,
    catalogue_version,
    markdown_render,
    validate_catalogue_image,
)
from catalogue.services import catalogue_entry_set_themes
from label.models import Commune
from label.text import search_normalise
from tests.factories import CatalogueEntryFactory

pytestmark = pytest.mark.django_db


def picture_upload(name="photo.jpg", size=(1600, 900), image_format="JPEG", exif=None):
    buffer = BytesIO()
    image = Image.new("RGB", size, (20, 120, 90))
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(buffer, format=image_format, **kwargs)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Béthune", "bethune"),
        ("HÉNIN-BEAUMONT", "henin beaumont"),
        ("Cité d’Orient", "cite d orient"),
        ("Chaîne des parcs", "chaine des parcs"),
        ("  Œuvre   commune ", "oeuvre commune"),
        ("", ""),
    ],
)
def test_search_normalise_strips_case_accents_and_punctuation(text, expected):
    assert search_normalise(text) == expected


def test_slug_comes_from_the_name_and_never_changes_on_rename():
    entry = CatalogueEntryFactory(name="Forêt urbaine de Lens")
    assert entry.slug == "foret-urbaine-de-lens"

    entry.name = "Forêt urbaine de Lens et Liévin"
    entry.save()

    entry.refresh_from_db()
    assert entry.slug == "foret-urbaine-de-lens"


def test_slug_clash_appends_the_year_then_a_counter():
    first = CatalogueEntryFactory(name="Jardin partagé", year=2020)
    second = CatalogueEntryFactory(name="Jardin partagé", year=2023)
    third = CatalogueEntryFactory(name="Jardin partagé", year=2023)
    fourth = CatalogueEntryFactory(name="Jardin partagé", year=None)

    assert [first.slug, second.slug, third.slug, fourth.slug] == [
        "jardin-partage",
        "jardin-partage-2023",
        "jardin-partage-2",
        "jardin-partage-3",
    ]


def test_slug_never_takes_a_reserved_path():
    entry = CatalogueEntryFactory(name="Statistiques", year=2024)

    assert entry.slug == "statistiques-2024"


@pytest.mark.parametrize("name", ["Carte", "Cahiers", "Statistiques"])
def test_slug_of_an_undated_project_never_takes_a_page_of_the_catalogue(name):
    entry = CatalogueEntryFactory(name=name, year=None)

    assert entry.slug not in {"carte", "cahiers", "statistiques"}


def test_search_text_follows_name_holder_summary_and_communes():
    entry = CatalogueEntryFactory(name="Cité Bruno", holder="Ville de Dourges", summary="Été")
    assert entry.search_text == "cite bruno ville de dourges ete"

    entry.communes.set(Commune.objects.filter(insee_code="62274"))
    entry.refresh_from_db()
    assert entry.search_text == "cite bruno ville de dourges dourges ete"

    entry.communes.clear()
    entry.refresh_from_db()
    assert entry.search_text == "cite bruno ville de dourges ete"


def test_commune_change_moves_the_update_date():
    entry = CatalogueEntryFactory()
    before = entry.updated_at

    entry.communes.add(Commune.objects.get(insee_code="62498"))

    entry.refresh_from_db()
    assert entry.updated_at > before


def test_markdown_keeps_structure_and_removes_scripts_styles_and_bad_links():
    html = markdown_render(
        "# Titre\n\nTexte **gras** et [lien](https://example.org) "
        "et [piège](javascript:alert(1)).\n\n<script>alert(1)</script>"
        '<p style="color:red" onclick="x()">stylé</p>\n\n- un\n- deux'
    )

    assert "<h3>Titre</h3>" in html and "<h1>" not in html
    assert "<strong>gras</strong>" in html
    assert '<a href="https://example.org" rel="noopener noreferrer nofollow">lien</a>' in html
    assert "javascript" not in html
    assert "<script" not in html and "style=" not in html and "onclick" not in html
    assert "<li>un</li>" in html


def test_plain_text_description_renders_as_paragraphs():
    assert markdown_render("Premier.\n\nSecond.") == "<p>Premier.</p>\n<p>Second.</p>"


def _open_variant(entry, size, fmt="jpeg"):
    from django.core.files.storage import default_storage

    return default_storage.open(entry.picture["variants"][size][fmt], "rb")


def test_uploaded_picture_gets_card_and_page_sizes():
    entry = CatalogueEntryFactory()

    entry.image = picture_upload(size=(1600, 900))
    entry.save()

    entry.refresh_from_db()
    with _open_variant(entry, "card") as handle, Image.open(handle) as card:
        assert (card.format, card.size) == ("JPEG", (480, 320))
    with _open_variant(entry, "page") as handle, Image.open(handle) as large:
        assert large.size == (1200, 675)
    assert entry.card_image_url.startswith(f"/projets/{entry.slug}/image/vignette.jpg?v=")


def test_picture_sizes_drop_the_exif_data_of_the_original():
    exif = Image.Exif()
    exif[0x010F] = "Appareil photo"  # Make
    entry = CatalogueEntryFactory()

    entry.image = picture_upload(exif=exif.tobytes())
    entry.save()

    with _open_variant(entry, "page") as handle, Image.open(handle) as large:
        assert dict(large.getexif()) == {}


def test_removing_the_picture_removes_its_sizes(django_capture_on_commit_callbacks):
    from django.core.files.storage import default_storage

    entry = CatalogueEntryFactory()
    entry.image = picture_upload()
    entry.save()
    card_name = entry.picture["variants"]["card"]["jpeg"]

    with django_capture_on_commit_callbacks(execute=True):
        entry.image = ""
        entry.save()

    entry.refresh_from_db()
    assert entry.picture == {}
    assert not default_storage.exists(card_name)
    assert entry.card_image_url == ""


def test_saving_without_a_new_picture_keeps_its_sizes():
    entry = CatalogueEntryFactory()
    entry.image = picture_upload()
    entry.save()
    card_name = entry.picture["variants"]["card"]["jpeg"]

    entry = CatalogueEntry.objects.get(pk=entry.pk)
    entry.summary = "Autre résumé."
    entry.save()

    entry.refresh_from_db()
    assert entry.picture["variants"]["card"]["jpeg"] == card_name


def test_image_validation_refuses_a_text_file_named_like_a_picture():
    fake = SimpleUploadedFile("photo.jpg", b"<?php echo 'hello'; ?>", content_type="image/jpeg")

    with pytest.raises(ValidationError, match="pas une image valide"):
        validate_catalogue_image(fake)


def test_image_validation_refuses_a_gif():
    with pytest.raises(ValidationError, match="JPEG, PNG ou WebP"):
        validate_catalogue_image(picture_upload("anim.gif", image_format="GIF"))


def test_image_validation_refuses_a_file_too_big():
    upload = picture_upload()
    upload.size = IMAGE_MAX_BYTES + 1

    with pytest.raises(ValidationError, match="dépasse 5 Mo"):
        validate_catalogue_image(upload)


def test_image_validation_accepts_png_and_webp():
    validate_catalogue_image(picture_upload("a.png", image_format="PNG"))
    validate_catalogue_image(picture_upload("a.webp", image_format="WEBP"))


def test_initials_stand_in_for_a_missing_picture():
    assert CatalogueEntryFactory(name="Forêt urbaine de Lens").initials == "FU"
    assert CatalogueEntryFactory(name="Mine de Soleil").initials == "MS"
    assert CatalogueEntryFactory(name="Euralogistic").initials == "E"


def test_public_queryset_hides_unpublished_and_synthetic_entries():
    shown = CatalogueEntryFactory()
    CatalogueEntryFactory(is_published=False)
    CatalogueEntryFactory(is_synthetic=True)

    assert list(CatalogueEntry.objects.public()) == [shown]


def test_display_copy_follows_communes_and_themes():
    entry = CatalogueEntryFactory(communes=["62498"], themes=["nature"])
    assert [(commune.insee_code, commune.name) for commune in entry.commune_list] == [
        ("62498", "Lens")
    ]

    entry.communes.add(Commune.objects.get(insee_code="62510"))
    catalogue_entry_set_themes(entry=entry, themes=["culture", "amenagement"])

    entry = CatalogueEntry.objects.get(pk=entry.pk)
    assert [commune.name for commune in entry.commune_list] == ["Lens", "Liévin"]
    assert [theme.value for theme in entry.themes] == ["amenagement", "culture"]
    assert entry.facets == {
        "communes": [["62498", "Lens"], ["62510", "Liévin"]],
        "themes": ["amenagement", "culture"],
    }


def test_display_copy_follows_a_commune_removed_from_the_commune_side():
    entry = CatalogueEntryFactory(communes=["62498", "62510"])

    Commune.objects.get(insee_code="62498").catalogue_entries.remove(entry)

    entry.refresh_from_db()
    assert [commune.name for commune in entry.commune_list] == ["Liévin"]
    assert "lens" not in entry.search_text.split()


def test_every_change_gives_the_catalogue_a_new_cache_version():
    first = catalogue_version()
    entry = CatalogueEntryFactory()
    second = catalogue_version()
    entry.delete()

    assert len({first, second, catalogue_version()}) == 3
