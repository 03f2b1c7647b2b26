"""A draft belongs to its author until filed: staff count drafts, never read them (defect 7)."""

import pytest
from django.urls import reverse

from applications.enums import ApplicationState as S
from applications.exports import export_columns, export_csv
from applications.models import Application
from applications.selectors import application_get_for_staff, application_list_for_staff
from tests.applications.test_exports import export
from tests.conftest import login
from tests.factories import ApplicationFactory, AttachmentFactory

HOME = reverse("applications:instruction_home")


def filed(wave, title, state=S.SUBMITTED):
    application = ApplicationFactory(complete=True, wave=wave, title=title)
    Application.objects.filter(pk=application.pk).update(state=state)
    return Application.objects.get(pk=application.pk)


@pytest.fixture
def staff_client(client, instruction_user):
    return login(client, instruction_user)


@pytest.fixture
def draft(open_wave):
    return ApplicationFactory(complete=True, wave=open_wave, title="Brouillon secret du porteur")


def test_staff_table_counts_drafts_but_never_lists_them(staff_client, open_wave, draft):
    filed(open_wave, "Dossier déposé")
    ApplicationFactory(wave=open_wave)  # a second, empty draft

    response = staff_client.get(HOME)

    html = response.content.decode()
    titles = [application.title for application in response.context["page"].object_list]
    assert titles == ["Dossier déposé"]
    assert "Brouillon secret du porteur" not in html
    assert response.context["drafts"] == 2
    assert response.context["total"] == 1
    assert "2 brouillons en cours" in html
    assert "state=draft" not in html


def test_staff_state_filter_does_not_offer_drafts(staff_client, open_wave, draft):
    response = staff_client.get(HOME, {"state": "draft"})

    assert [a.title for a in response.context["page"].object_list] == []
    choices = [value for value, _label in response.context["filter_form"].fields["state"].choices]
    assert "draft" not in choices


def test_staff_detail_of_a_draft_is_not_found(staff_client, draft):
    url = reverse("applications:instruction_detail", args=[draft.pk])

    response = staff_client.get(url)

    assert response.status_code == 404
    assert "Brouillon secret" not in response.content.decode()
    assert application_get_for_staff(draft.pk) is None


def test_staff_detail_opens_once_the_draft_is_filed(staff_client, draft):
    Application.objects.filter(pk=draft.pk).update(state=S.SUBMITTED)

    response = staff_client.get(reverse("applications:instruction_detail", args=[draft.pk]))

    assert response.context["application"].pk == draft.pk


def test_staff_may_not_view_message_or_instruct_a_draft(instruction_user, draft):
    for permission in ("view", "message", "instruct"):
        assert not instruction_user.has_perm(f"applications.{permission}_application", draft)
    Application.objects.filter(pk=draft.pk).update(state=S.SUBMITTED)
    draft.refresh_from_db()
    for permission in ("view", "message", "instruct"):
        assert instruction_user.has_perm(f"applications.{permission}_application", draft)


def test_owner_still_sees_own_draft(draft):
    assert draft.owner.has_perm("applications.view_application", draft)


def test_staff_cannot_download_a_draft_attachment(staff_client, draft):
    attachment = AttachmentFactory(application=draft)
    url = reverse("applications:attachment_download", args=[draft.pk, attachment.pk])

    response = staff_client.get(url)

    assert response.status_code in (403, 404)
    assert not response.get("Content-Disposition")


def test_export_leaves_drafts_out_whatever_the_query(staff_client, open_wave, draft):
    filed(open_wave, "Dossier déposé")

    content = export_csv(Application.objects.all(), export_columns()).decode("utf-8")
    response = export(staff_client, {"format": "csv"})

    assert "Dossier déposé" in content
    assert "Brouillon secret" not in content
    assert "Brouillon secret" not in response.content_bytes.decode("utf-8")
    assert "Dossier déposé" in response.content_bytes.decode("utf-8")
    assert list(application_list_for_staff(open_wave)) == [
        Application.objects.get(title="Dossier déposé")
    ]
