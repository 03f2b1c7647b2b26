"""« Nouvelle vague à partir de la précédente » copies the wave's settings, grid and committees
(issue 11, defect 8); all of them stay editable on the new wave."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image

from label.models import Wave, WaveMailText
from label.services import wave_create
from label.wave_texts import DEFAULT_ELIGIBILITY_CHECKLIST
from reviews.enums import CommitteeKind
from reviews.jury.composition import jury_composition_set
from reviews.models import Committee, Criterion, JuryMember
from reviews.models.criteria import DEFAULT_GRID, default_grid_create
from tests.conftest import login
from tests.factories import UserFactory, WaveFactory
from tests.factories.jury import jury_member

PARIS = ZoneInfo("Europe/Paris")
CREATE = reverse("label:wave_create")


def _png():
    buffer = io.BytesIO()
    Image.new("RGB", (90, 30), "black").save(buffer, format="PNG")
    return buffer.getvalue()


def _new_wave_data(**overrides):
    return {
        "number": "12",
        "year": "2027",
        "title": "Label Euralens — vague 12",
        "edition_name": "Label Euralens 2027",
        "opens_at": "2027-03-10T09:00",
        "closes_at": "2027-05-31T23:59",
        "ceremony_place": "Louvre-Lens",
        "signatory_name": "Claire Dupont",
        "signatory_title": "Présidente du Pôle métropolitain",
        **overrides,
    }


@pytest.fixture
def wave_11(db):
    wave = WaveFactory(
        number=11,
        year=2026,
        title="Label Euralens — vague 11",
        edition_name="Label Euralens 2026",
        opens_at=datetime(2026, 3, 11, 9, 0, tzinfo=PARIS),
        closes_at=datetime(2026, 5, 31, 23, 59, tzinfo=PARIS),
        signatory_name="Claire Dupont",
        signatory_title="Présidente du Pôle métropolitain",
        jury_may_record_decisions=True,
    )
    wave.signatory_image.save("signature.png", ContentFile(_png()), save=True)
    # The 11th wave's grid, edited by staff: one weight changed, one criterion added.
    default_grid_create(Criterion, wave)
    Criterion.objects.filter(wave=wave, code="B2").update(weight=3)
    Criterion.objects.create(
        wave=wave, group="D", code="D2", label="Sobriété numérique", weight=1, position=99
    )
    technical = Committee.objects.create(
        wave=wave, kind=CommitteeKind.TECHNICAL, name="Comité technique des partenaires"
    )
    quality = Committee.objects.create(
        wave=wave, kind=CommitteeKind.QUALITY, name="Cercle de qualité"
    )
    technical.members.set([UserFactory(full_name="Alice Partenaire")])
    quality.members.set([UserFactory(full_name="Bruno Expert"), UserFactory(full_name="Chloé")])
    return wave


def _grid(wave):
    return [
        (c.group, c.code, c.label, c.weight, c.scale_max, c.required, c.counts_in_ranking)
        for c in Criterion.objects.filter(wave=wave).order_by("position", "code")
    ]


def _committees(wave):
    return {
        (c.kind, c.name): sorted(member.full_name for member in c.members.all())
        for c in Committee.objects.filter(wave=wave)
    }


@pytest.mark.django_db
def test_new_wave_from_the_previous_copies_grid_committees_and_settings(
    client, instruction_user, wave_11
):
    login(client, instruction_user)
    form_page = client.get(CREATE + "?depuis=precedente")
    assert form_page.context["form"].initial["edition_name"] == "Label Euralens 2027"
    assert form_page.context["form"].initial["jury_may_record_decisions"] is True

    client.post(CREATE + "?depuis=precedente", _new_wave_data(jury_may_record_decisions="on"))

    wave_12 = Wave.objects.get(number=12)
    assert _grid(wave_12) == _grid(wave_11)
    assert ("B", "B2") in {(group, code) for group, code, *_rest in _grid(wave_12)}
    assert any(row[1] == "B2" and row[3] == 3 for row in _grid(wave_12))
    assert _committees(wave_12) == _committees(wave_11)
    assert _committees(wave_12)[(CommitteeKind.QUALITY, "Cercle de qualité")] == [
        "Bruno Expert",
        "Chloé",
    ]
    assert wave_12.edition_name == "Label Euralens 2027"
    assert wave_12.jury_may_record_decisions is True
    # The signature is the same picture in a file of the new wave's own.
    assert wave_12.signatory_image
    assert wave_12.signatory_image.name != wave_11.signatory_image.name
    with wave_12.signatory_image.open("rb") as handle:
        assert handle.read() == _png()


@pytest.mark.django_db
def test_copied_grid_and_committees_are_the_new_waves_own(client, instruction_user, wave_11):
    login(client, instruction_user)
    client.post(CREATE + "?depuis=precedente", _new_wave_data())
    wave_12 = Wave.objects.get(number=12)

    Criterion.objects.filter(wave=wave_12, code="B2").update(weight=1)
    Committee.objects.get(wave=wave_12, kind=CommitteeKind.TECHNICAL).members.clear()

    assert Criterion.objects.get(wave=wave_11, code="B2").weight == 3
    assert Committee.objects.get(wave=wave_11, kind=CommitteeKind.TECHNICAL).members.count() == 1


@pytest.mark.django_db
def test_new_wave_from_scratch_gets_the_default_grid_and_no_committee(
    client, instruction_user, wave_11
):
    login(client, instruction_user)
    client.post(CREATE, _new_wave_data())

    wave_12 = Wave.objects.get(number=12)
    assert [row[1] for row in _grid(wave_12)] == [code for _g, code, *_rest in DEFAULT_GRID]
    assert not Committee.objects.filter(wave=wave_12).exists()


@pytest.mark.django_db
def test_wave_create_fills_missing_copied_fields_from_copy_from(wave_11):
    wave_12 = wave_create(
        data={
            "number": 12,
            "year": 2027,
            "opens_at": datetime(2027, 3, 10, 9, 0, tzinfo=PARIS),
            "closes_at": datetime(2027, 5, 31, 23, 59, tzinfo=PARIS),
        },
        copy_from=wave_11,
    )

    assert wave_12.title == wave_11.title
    assert wave_12.signatory_name == "Claire Dupont"
    assert wave_12.signatory_image.name != wave_11.signatory_image.name
    assert Committee.objects.filter(wave=wave_12).count() == 2


# --- Eligibility checklist, jury composition and announcement mails (issue 11, defect 8) ------


ESPOIRS_SUBJECT = "Le Label Espoirs pour %(reference)s"
ESPOIRS_BODY = "Bravo à %(holder)s pour « %(title)s »."


@pytest.fixture
def wave_11_settings(wave_11, instruction_user):
    """The 11th wave's own checklist, jury (Anne presides) and one adjusted mail text."""

    wave_11.eligibility_checklist = [
        ["territory", "Sur le territoire du Pôle"],
        ["charte", "Le porteur signe la charte Euralens"],
    ]
    wave_11.save(update_fields=["eligibility_checklist"])
    anne, bruno = jury_member(full_name="Anne Présidente"), jury_member(full_name="Bruno Juré")
    jury_composition_set(wave=wave_11, by=instruction_user, members=[anne, bruno], president=anne)
    WaveMailText.objects.create(
        wave=wave_11,
        kind="espoirs",
        subject=ESPOIRS_SUBJECT,
        body=ESPOIRS_BODY,
    )
    return wave_11, anne, bruno


def _jury(wave):
    return {(m.user.full_name, m.president) for m in JuryMember.objects.filter(wave=wave)}


def _mail_texts(wave):
    return {(t.kind, t.subject, t.body) for t in WaveMailText.objects.filter(wave=wave)}


@pytest.mark.django_db
def test_new_wave_from_the_previous_copies_checklist_jury_and_mail_texts(
    client, instruction_user, wave_11_settings
):
    wave_11, _anne, _bruno = wave_11_settings
    login(client, instruction_user)

    client.post(CREATE + "?depuis=precedente", _new_wave_data())

    wave_12 = Wave.objects.get(number=12)
    assert wave_12.eligibility_checklist == wave_11.eligibility_checklist
    assert _jury(wave_12) == {("Anne Présidente", True), ("Bruno Juré", False)}
    assert _mail_texts(wave_12) == {
        (
            "espoirs",
            "Le Label Espoirs pour %(reference)s",
            "Bravo à %(holder)s pour « %(title)s ».",
        ),
    }
    assert wave_12.signatory_name == "Claire Dupont"
    assert wave_12.signatory_title == "Présidente du Pôle métropolitain"


@pytest.mark.django_db
def test_copied_checklist_jury_and_mail_texts_are_the_new_waves_own(
    client, instruction_user, wave_11_settings
):
    wave_11, anne, bruno = wave_11_settings
    login(client, instruction_user)
    client.post(CREATE + "?depuis=precedente", _new_wave_data())
    wave_12 = Wave.objects.get(number=12)

    edited = [
        client.post(
            reverse("label:wave_eligibility", kwargs={"pk": wave_12.pk}),
            {"lines": "Un seul critère"},
        ),
        client.post(
            reverse("label:wave_mail_texts", kwargs={"pk": wave_12.pk}),
            {
                f"{kind}-{field}": f"Nouveau texte {kind} %(title)s"
                for kind in ("label", "espoirs", "deferred", "refused")
                for field in ("subject", "body")
            },
        ),
    ]
    jury_composition_set(wave=wave_12, by=instruction_user, members=[bruno], president=bruno)

    assert [response.status_code for response in edited] == [302, 302]
    wave_11.refresh_from_db()
    assert len(wave_11.eligibility_checklist) == 2
    assert _jury(wave_11) == {("Anne Présidente", True), ("Bruno Juré", False)}
    assert _mail_texts(wave_11) == {
        (
            "espoirs",
            "Le Label Espoirs pour %(reference)s",
            "Bravo à %(holder)s pour « %(title)s ».",
        ),
    }
    assert _jury(wave_12) == {("Bruno Juré", True)}
    assert len(_mail_texts(wave_12)) == 4


@pytest.mark.django_db
def test_new_wave_from_scratch_gets_the_default_checklist_no_jury_and_default_texts(
    client, instruction_user, wave_11_settings
):
    login(client, instruction_user)
    client.post(CREATE, _new_wave_data())

    wave_12 = Wave.objects.get(number=12)
    assert wave_12.eligibility_checklist == DEFAULT_ELIGIBILITY_CHECKLIST
    assert _jury(wave_12) == set()
    assert _mail_texts(wave_12) == set()


@pytest.mark.django_db
def test_wave_create_copies_only_active_jury_members(wave_11_settings):
    wave_11, anne, _bruno = wave_11_settings
    anne.is_active = False
    anne.save()

    wave_12 = wave_create(
        data={
            "number": 12,
            "year": 2027,
            "opens_at": datetime(2027, 3, 10, 9, 0, tzinfo=PARIS),
            "closes_at": datetime(2027, 5, 31, 23, 59, tzinfo=PARIS),
        },
        copy_from=wave_11,
    )

    assert _jury(wave_12) == {("Bruno Juré", False)}
    assert wave_12.eligibility_checklist_items()[1] == (
        "charte",
        "Le porteur signe la charte Euralens",
    )
