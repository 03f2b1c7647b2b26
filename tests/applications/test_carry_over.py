"""Carry-over of a deferred (Catégorie 2) file into the open wave as a prefilled draft."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.enums import ApplicationState as S
from applications.enums import AttachmentKind, Transition
from applications.models import Application, ApplicationEvent
from label.models import Commune
from tests.conftest import login
from tests.factories import ApplicationFactory, UserFactory, WaveFactory


@pytest.fixture
def deferred(applicant):
    """A file of the closed 10th wave, deferred by the jury; the 11th wave is open."""
    wave_10 = WaveFactory(
        number=10,
        year=2025,
        opens_at=timezone.now() - timedelta(days=400),
        closes_at=timezone.now() - timedelta(days=300),
    )
    application = ApplicationFactory(
        complete=True, owner=applicant, wave=wave_10, title="Recyclerie de Bruay", siret=""
    )
    application.communes.add(Commune.objects.get(insee_code="62178"))
    Application.objects.filter(pk=application.pk).update(
        state=S.DEFERRED, reference="EL10-0003", reference_number=3
    )
    return Application.objects.get(pk=application.pk)


@pytest.fixture
def wave_11(db):
    return WaveFactory(number=11)


@pytest.mark.django_db
def test_carry_over_copies_the_dossier_into_a_draft_of_the_open_wave(applicant, deferred, wave_11):
    draft = services.application_carry_over(application=deferred, by=applicant)

    draft.refresh_from_db()
    assert draft.wave == wave_11
    assert draft.state == S.DRAFT
    assert draft.owner == applicant
    assert draft.carried_over_from == deferred
    assert draft.reference is None
    for name in ("holder_name", "holder_type", "title", "summary", "themes", "total_cost"):
        assert getattr(draft, name) == getattr(deferred, name), name
    # The new wave's form (a copy of the default) keeps every question: every answer is taken.
    assert draft.answers == deferred.answers
    assert draft.answers["financing_lines"][0] == {
        "source": "Région Hauts-de-France",
        "amount": "12000.00",
        "secured": True,
    }
    assert set(draft.communes.values_list("insee_code", flat=True)) == {"62498", "62178"}
    assert not draft.attachments.exists()
    assert deferred.attachments.filter(kind=AttachmentKind.FINANCING_PLAN).exists()
    assert draft.consent_given_at is None
    assert ApplicationEvent.objects.filter(
        application=draft, transition=Transition.CREATE, actor=applicant
    ).exists()
    deferred.refresh_from_db()
    assert deferred.state == S.DEFERRED


@pytest.mark.django_db
def test_carry_over_happens_once(applicant, deferred, wave_11):
    services.application_carry_over(application=deferred, by=applicant)

    with pytest.raises(ValidationError, match="déjà été repris"):
        services.application_carry_over(application=deferred, by=applicant)

    assert Application.objects.filter(carried_over_from=deferred).count() == 1


@pytest.mark.django_db
def test_carry_over_needs_an_open_wave(applicant, deferred):
    with pytest.raises(ValidationError, match="Aucun appel"):
        services.application_carry_over(application=deferred, by=applicant)

    assert Application.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("state", [S.REFUSED, S.LABELLED, S.SUBMITTED, S.DRAFT])
def test_carry_over_only_for_a_deferred_file(applicant, deferred, wave_11, state):
    Application.objects.filter(pk=deferred.pk).update(state=state)

    with pytest.raises(ValidationError):
        services.application_carry_over(application=deferred, by=applicant)

    assert not Application.objects.filter(carried_over_from=deferred).exists()


@pytest.mark.django_db
def test_carry_over_by_someone_else_is_denied(deferred, wave_11, roles):
    with pytest.raises(PermissionDenied):
        services.application_carry_over(application=deferred, by=UserFactory())

    assert not Application.objects.filter(carried_over_from=deferred).exists()


@pytest.mark.django_db
def test_deferred_file_page_offers_the_carry_over(client, applicant, deferred, wave_11):
    login(client, applicant)

    detail = client.get(reverse("applications:detail", kwargs={"pk": deferred.pk}))
    listing = client.get(reverse("applications:applicant_home"))

    url = reverse("applications:carry_over", kwargs={"pk": deferred.pk})
    assert url in detail.content.decode()
    assert url in listing.content.decode()


@pytest.mark.django_db
def test_carry_over_page_then_post_creates_the_draft(client, applicant, deferred, wave_11):
    url = reverse("applications:carry_over", kwargs={"pk": deferred.pk})
    login(client, applicant)

    page = client.get(url).content.decode()
    response = client.post(url)

    draft = Application.objects.get(carried_over_from=deferred)
    assert "Les pièces jointes ne sont pas reprises" in page
    assert response["Location"] == reverse("applications:detail", kwargs={"pk": draft.pk})
    detail = client.get(response["Location"]).content.decode()
    assert "EL10-0003" in detail
    again = client.post(url, follow=True)
    assert "déjà été repris" in again.content.decode()
    assert Application.objects.filter(carried_over_from=deferred).count() == 1


@pytest.mark.django_db
def test_carry_over_page_without_open_wave_explains_and_creates_nothing(
    client, applicant, deferred
):
    url = reverse("applications:carry_over", kwargs={"pk": deferred.pk})
    login(client, applicant)

    page = client.get(url).content.decode()
    client.post(url)

    assert "Aucun appel à candidatures n" in page
    assert Application.objects.count() == 1


@pytest.mark.django_db
def test_carry_over_maps_answers_by_key_and_shows_the_others(client, applicant, deferred, wave_11):
    """The new wave's form dropped « Partenaires » and made « stage » a yes/no question: those
    answers are not taken, and the applicant sees them as « réponses non reprises »."""
    from callforms.declaration import form_for
    from callforms.models import CallForm, Question

    form_for(wave_11)  # the new wave's form, copied from the default
    Question.objects.filter(section__form__wave=wave_11, key="partners").delete()
    Question.objects.filter(section__form__wave=wave_11, key="stage").update(
        kind="yesno", options={}
    )
    call_form = CallForm.objects.get(wave=wave_11)
    call_form.version += 1
    call_form.save()

    draft = services.application_carry_over(application=deferred, by=applicant)

    draft.refresh_from_db()
    assert "partners" not in draft.answers and "stage" not in draft.answers
    assert draft.answers["description"] == deferred.answers["description"]
    labels = [label for label, _answer in services.answers_not_carried_over(draft)]
    assert labels == ["État d'avancement", "Partenaires"]
    html = (
        login(client, applicant)
        .get(reverse("applications:dossier_summary", kwargs={"pk": draft.pk}))
        .content.decode()
    )
    assert "2 réponses non reprises de votre dossier précédent" in html
    assert "Commune de Lens, bailleur Maisons &amp; Cités." in html
