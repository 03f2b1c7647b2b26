"""The cahier's generation: versions, progress, the PDF's content, tags and failures."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from booklets import document, services
from booklets.models import Booklet, BookletStatus
from booklets.services import (
    booklet_generate,
    booklet_introduction_save,
    booklet_publish,
    booklet_request,
    booklet_withdraw,
)
from label.models import Wave
from tests.booklets.conftest import ATOUTS, announce
from tests.factories import WaveFactory
from tests.label.pdf_checks import assert_no_template_leak, assert_tagged, pdf_text

pytestmark = pytest.mark.django_db


def _generated(wave, by=None, introduction=None):
    if introduction is not None:
        booklet_introduction_save(wave=wave, introduction=introduction, by=by)
    booklet = booklet_request(wave=wave, by=by)
    booklet_generate(booklet_id=booklet.pk)
    booklet.refresh_from_db()
    return booklet


def _content(booklet):
    with booklet.file.open("rb") as handle:
        return handle.read()


def test_booklet_task_produces_the_pdf_when_the_request_commits(
    wave_projects, instruction_user, django_capture_on_commit_callbacks
):
    wave = wave_projects[0].source_application.wave

    # Tests run Celery eagerly: the task queued on commit generates the version at once.
    with django_capture_on_commit_callbacks(execute=True):
        booklet = booklet_request(wave=wave, by=instruction_user)

    booklet.refresh_from_db()
    assert booklet.status == BookletStatus.DONE
    assert booklet.progress == 100
    assert booklet.version == 1
    assert booklet.created_by == instruction_user
    assert booklet.finished_at is not None
    content = _content(booklet)
    assert content.startswith(b"%PDF-")
    assert booklet.size == len(content)
    import hashlib

    assert booklet.sha256 == hashlib.sha256(content).hexdigest()


def test_booklet_pdf_has_cover_introduction_projects_atouts_and_index(wave_projects):
    wave = wave_projects[0].source_application.wave
    booklet = _generated(
        wave, introduction="Chaque année, le **Label Euralens** distingue des projets."
    )

    _reader, text = pdf_text(_content(booklet))

    assert_no_template_leak(text)
    assert text.startswith("Pôle Métropolitain de l'Artois LE CAHIER DU LABEL Label Euralens 2026")
    assert "Vague 10 — les projets labellisés" in text
    assert "Cérémonie du 29 mars 2026, Louvre-Lens" in text
    assert "3 projets distingués par le jury" in text
    assert "Chaque année, le Label Euralens distingue des projets." in text
    assert "La carte des projets" in text
    for name in ("Ressourcerie du Lensois", "Vélo-école de Liévin", "Espace Mobilité de l'Artois"):
        assert name in text
    assert "Projet d'une autre vague" not in text
    assert "Projet non publié" not in text
    assert "Les atouts reconnus par le jury" in text
    assert ATOUTS in text
    assert "Label Espoirs" in text
    assert "http://" in text and "/projets/velo-ecole-de-lievin/" in text
    assert "Index par thème" in text
    assert "Index par commune" in text


def test_booklet_index_gives_each_project_its_page_number(wave_projects):
    wave = wave_projects[0].source_application.wave
    booklet = _generated(wave)

    reader, _text = pdf_text(_content(booklet))
    pages = [" ".join(page.extract_text().split()) for page in reader.pages]

    index = next(page for page in pages if "Index par thème" in page)
    for name in ("Ressourcerie du Lensois", "Vélo-école de Liévin", "Espace Mobilité de l'Artois"):
        # The project's own page: the first after the contents whose text starts with its award.
        number = next(
            position
            for position, page in enumerate(pages, start=1)
            if name in page and "Porteur" in page
        )
        # In the index, the name, a leader of dots, and the page number target-counter gave.
        assert re.search(rf"{re.escape(name)}[ .]*\b{number}\b", index), (name, number, index)


def test_booklet_pdf_is_tagged_in_french_with_its_title(wave_projects):
    wave = wave_projects[0].source_application.wave
    booklet = _generated(wave)

    assert_tagged(_content(booklet), title="Cahier du label — Label Euralens 2026 — vague 10")


def test_booklet_prints_the_approved_photo_and_the_map(photo_entry):
    wave = Wave.objects.get(number=10)
    booklet = _generated(wave)

    reader, _text = pdf_text(_content(booklet))
    photo_pages = [
        index
        for index, page in enumerate(reader.pages)
        if "Vélo-école de Liévin" in page.extract_text() and "Porteur" in page.extract_text()
    ]
    assert photo_pages
    assert list(reader.pages[photo_pages[0]].images), "the approved photo is on the page"
    assert "IGN, Admin Express" in _text


def test_booklet_progress_is_reported_per_project_and_reaches_100(wave_projects, monkeypatch):
    wave = wave_projects[0].source_application.wave
    seen = []
    report = services._report

    def spy(booklet_id, progress, message):
        seen.append(int(progress))
        report(booklet_id, progress, message)

    monkeypatch.setattr(services, "_report", spy)
    booklet = _generated(wave)

    # One step per project (3 projects up to 80 %), then the rendering, then done.
    assert seen == [26, 53, 80, 95]
    assert booklet.progress == 100
    assert booklet.message == "Le cahier est prêt."


def test_booklet_generation_runs_once_per_version(wave_projects):
    wave = wave_projects[0].source_application.wave
    booklet = _generated(wave)
    name = booklet.file.name

    assert booklet_generate(booklet_id=booklet.pk) is None
    booklet.refresh_from_db()
    assert booklet.file.name == name


def test_booklet_each_generation_is_a_new_version_and_the_old_ones_stay(wave_projects):
    wave = wave_projects[0].source_application.wave
    first = _generated(wave, introduction="Première introduction.")
    second = _generated(wave, introduction="Introduction corrigée.")

    assert (first.version, second.version) == (1, 2)
    assert first.file.name != second.file.name
    assert "Première introduction." in pdf_text(_content(first))[1]
    assert "Introduction corrigée." in pdf_text(_content(second))[1]
    assert first.introduction == "Première introduction."


def test_booklet_refused_for_a_wave_whose_results_are_not_announced(db):
    wave = WaveFactory(number=11)

    with pytest.raises(ValidationError):
        booklet_request(wave=wave, by=None)

    assert not Booklet.objects.exists()


def test_booklet_refused_while_a_version_is_being_generated(announced_wave):
    booklet_request(wave=announced_wave, by=None)

    with pytest.raises(ValidationError):
        booklet_request(wave=announced_wave, by=None)

    assert Booklet.objects.count() == 1


def test_booklet_left_running_by_a_dead_worker_no_longer_blocks(announced_wave):
    stale = booklet_request(wave=announced_wave, by=None)
    Booklet.objects.filter(pk=stale.pk).update(
        status=BookletStatus.RUNNING, started_at=timezone.now() - timedelta(hours=1)
    )

    again = booklet_request(wave=announced_wave, by=None)

    stale.refresh_from_db()
    assert stale.status == BookletStatus.FAILED
    assert again.version == 2


def test_booklet_failure_is_recorded_for_staff(announced_wave, monkeypatch):
    def broken(booklet, *, on_project=None):
        raise ValueError("template defect")

    monkeypatch.setattr(services, "booklet_render_pdf", broken)
    booklet = booklet_request(wave=announced_wave, by=None)

    booklet_generate(booklet_id=booklet.pk)

    booklet.refresh_from_db()
    assert booklet.status == BookletStatus.FAILED
    assert "échoué" in booklet.message
    assert not booklet.file
    # A failed version does not block the next one.
    assert booklet_request(wave=announced_wave, by=None).version == 2


def test_booklet_with_no_project_still_renders(announced_wave):
    booklet = _generated(announced_wave)

    _reader, text = pdf_text(_content(booklet))
    assert booklet.status == BookletStatus.DONE
    assert "Aucun projet labellisé de cette vague n'est publié au catalogue." in text
    assert_no_template_leak(text)


def test_booklet_publishing_one_version_withdraws_the_others(announced_wave):
    first = _generated(announced_wave)
    second = _generated(announced_wave)
    booklet_publish(booklet=first, by=None)

    booklet_publish(booklet=second, by=None)

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.published_at is None
    assert second.published_at is not None
    booklet_withdraw(booklet=second, by=None)
    second.refresh_from_db()
    assert second.published_at is None


def test_booklet_not_ready_cannot_be_published(announced_wave):
    queued = booklet_request(wave=announced_wave, by=None)

    with pytest.raises(ValidationError):
        booklet_publish(booklet=queued, by=None)

    queued.refresh_from_db()
    assert queued.published_at is None


def test_booklet_footer_cannot_be_broken_by_the_edition_name(announced_wave):
    Wave.objects.filter(pk=announced_wave.pk).update(edition_name='Édition "spéciale" </style>')
    announced_wave.refresh_from_db()
    announce(announced_wave)

    booklet = _generated(announced_wave)

    assert booklet.status == BookletStatus.DONE
    _reader, text = pdf_text(_content(booklet))
    assert 'Édition "spéciale" </style>' in text
    assert document._css_string('a"b\\c<') == 'a\\"b\\\\c\\3C '


def test_booklet_introduction_lists_need_no_blank_line_and_nothing_unsafe_passes():
    html = document.booklet_introduction_html(
        "Ce cahier rassemble :\n- des associations,\n- des communes.\n\n<script>x()</script>"
    )

    assert "<p>Ce cahier rassemble :</p>" in html
    assert "<li>des associations,</li>" in html
    assert "<script>" not in html


def test_booklet_queued_but_never_taken_no_longer_blocks(announced_wave):
    lost = booklet_request(wave=announced_wave, by=None)
    Booklet.objects.filter(pk=lost.pk).update(created_at=timezone.now() - timedelta(hours=1))

    again = booklet_request(wave=announced_wave, by=None)

    lost.refresh_from_db()
    assert lost.status == BookletStatus.FAILED
    assert again.version == 2
