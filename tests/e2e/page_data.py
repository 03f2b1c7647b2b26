"""What the checked pages show: each function creates, with the factories, the objects of one
page type for the user who looks at it, and returns the page's path.

They are the callable `path` of the `PageCase`s of pages.py. The accessibility test runs each
in a fresh database; the HTML check runs them all in one, so none may assume it is alone (no
fixed reference numbers, no unique names chosen twice). Files are put in their state by
`application_in_state`, whose references never clash with each other, rather than by the
workflow, which would number them again from 1.
"""

import itertools
from datetime import timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from applications.enums import ApplicationState, Transition
from applications.models import Application, ApplicationEvent
from label.enums import Award, Role
from reviews.enums import CommitteeKind
from tests.factories import (
    ApplicationFactory,
    AssignmentFactory,
    CatalogueEntryFactory,
    CommitteeFactory,
    UserFactory,
    WaveFactory,
)
from tests.factories import reviews as reviews_factories
from tests.factories.certificates import CertificateFactory
from tests.factories.reviews import application_in_state, grid_for, review_with_scores

S = ApplicationState


def _wave():
    """The open 11th wave, with its default criteria grid.

    In an empty database (each page of the accessibility test has its own), the factories
    number files, titles and certificates from 1 again: the screenshots then show the same
    references whatever tests ran before in the session.
    """
    if not Application.objects.exists():
        reviews_factories._references = itertools.count(1)
        ApplicationFactory.reset_sequence()
        CertificateFactory.reset_sequence()
    wave = WaveFactory(number=11)
    grid_for(wave)
    return wave


def _staff():
    return UserFactory(roles=[Role.APPLICANT, Role.INSTRUCTION])


def _filed(state=S.SUBMITTED, **kwargs):
    """A complete file in `state`, filed a week ago, with the history of its filing."""
    application = application_in_state(state, **kwargs)
    filed_at = timezone.now() - timedelta(days=7)
    Application.objects.filter(pk=application.pk).update(
        submitted_at=filed_at, last_submitted_at=filed_at
    )
    ApplicationEvent.objects.create(
        application=application,
        transition=Transition.SUBMIT,
        from_state=S.DRAFT,
        to_state=S.SUBMITTED,
        actor=application.owner,
    )
    application.refresh_from_db()
    return application


def _labelled(**kwargs):
    """A labelled file, as the announcement of its wave's results leaves it."""
    application = _filed(S.LABELLED, **kwargs)
    Application.objects.filter(pk=application.pk).update(
        award=Award.LABEL, announced_at=timezone.now()
    )
    application.refresh_from_db()
    return application


def _changes_requested(owner, wave):
    """A file sent back to its applicant by the instruction team."""
    application = _filed(S.CHANGES_REQUESTED, owner=owner, wave=wave)
    ApplicationEvent.objects.create(
        application=application,
        transition=Transition.REQUEST_CHANGES,
        from_state=S.SUBMITTED,
        to_state=S.CHANGES_REQUESTED,
        actor=_staff(),
        message="Merci de joindre une lettre de soutien de la commune.",
    )
    return application


# --- Public pages ------------------------------------------------------------------------------


def call_page(user):
    _wave()
    return reverse("applications:call")


def _catalogue():
    """A few published projects across agglomerations, themes, awards and years."""
    projects = [
        ("Jardins partagés du 12-14", "62498", "CALL", ["nature", "alimentation"], 2019),
        ("Ressourcerie de l'Artois", "62119", "CABBALR", ["economie", "ess"], 2021),
        ("Chaufferie bois de la cité", "62427", "CAHC", ["energie", "habitat"], 2023),
    ]
    entries = [
        CatalogueEntryFactory(
            name=name,
            communes=[insee],
            agglomeration=agglomeration,
            themes=themes,
            year=year,
            wave_number=year - 2012,
        )
        for name, insee, agglomeration, themes, year in projects
    ]
    entries.append(
        CatalogueEntryFactory(name="Fresque des terrils", award=Award.ESPOIRS, themes=["culture"])
    )
    return entries


def catalogue_list(user):
    _catalogue()
    return reverse("catalogue:list")


def catalogue_detail(user):
    entry = _catalogue()[0]
    return entry.get_absolute_url()


def catalogue_stats(user):
    _catalogue()
    return reverse("catalogue:stats")


def catalogue_map(user):
    _catalogue()
    return reverse("catalogue:map")


def widget_help(user):
    _catalogue()
    return reverse("catalogue:widget_help") + "?commune=62498"


def widget_page(user):
    _catalogue()
    return reverse("catalogue:widget") + "?commune=62498"


def opendata_page(user):
    _catalogue()
    return reverse("catalogue:opendata")


def verification(user):
    certificate = CertificateFactory(application=_labelled(wave=_wave()))
    return reverse("certificates:verify", args=[certificate.token])


# --- The applicant -----------------------------------------------------------------------------


def applicant_list(user):
    """The applicant's list with files in several states: draft, filed, under review, labelled."""
    wave = _wave()
    ApplicationFactory(owner=user, wave=wave, title="Brouillon de ressourcerie")
    _filed(S.SUBMITTED, owner=user, wave=wave)
    _filed(S.IN_REVIEW, owner=user, wave=wave)
    _labelled(owner=user, wave=wave)
    return reverse("applications:applicant_home")


def dossier_section(slug, *, complete=False):
    """A draft's page of the editor: empty (with what each section lacks) or complete."""

    def _path(user):
        draft = ApplicationFactory(owner=user, wave=_wave(), complete=complete)
        return reverse("applications:dossier", args=[draft.pk, slug])

    return _path


def dossier_summary(user):
    draft = ApplicationFactory(owner=user, wave=_wave(), holder_name="Association Cité Nature")
    return reverse("applications:dossier_summary", args=[draft.pk])


def applicant_detail(user):
    """A file with a completion request: next step, timeline, message thread."""
    application = _changes_requested(user, _wave())
    return reverse("applications:detail", args=[application.pk])


def applicant_detail_labelled(user):
    """A labelled file: the decision and the certificate panel."""
    application = _labelled(owner=user, wave=_wave())
    CertificateFactory(application=application)
    return reverse("applications:detail", args=[application.pk])


def submit_confirmation(user):
    draft = ApplicationFactory(owner=user, wave=_wave(), complete=True)
    return reverse("applications:submit", args=[draft.pk])


def resubmit(user):
    application = _changes_requested(user, _wave())
    return reverse("applications:resubmit", args=[application.pk])


# --- The instruction team ----------------------------------------------------------------------


def staff_list(user):
    """The dashboard of a wave with files in most states."""
    wave = _wave()
    for state in (S.SUBMITTED, S.CHANGES_REQUESTED, S.ELIGIBLE, S.IN_REVIEW, S.DELIBERATION):
        _filed(state, wave=wave)
    ApplicationFactory(wave=wave, complete=True)
    return reverse("applications:instruction_home")


def staff_detail(user):
    """A freshly filed file: every staff move open, with its form."""
    application = _filed(wave=_wave())
    return reverse("applications:instruction_detail", args=[application.pk])


def _reviewed_file(wave):
    """A file under review with two reviewers in a committee, one review submitted."""
    reviewers = [UserFactory(roles=[Role.APPLICANT, Role.REVIEWER]) for _ in range(2)]
    CommitteeFactory(wave=wave, kind=CommitteeKind.TECHNICAL, members=reviewers)
    application = application_in_state(S.IN_REVIEW, wave=wave, total_cost=Decimal("20000"))
    first = AssignmentFactory(application=application, reviewer=reviewers[0], accepted=True)
    AssignmentFactory(application=application, reviewer=reviewers[1])
    review_with_scores(first, 4, shared_comment="Projet solide et bien entouré.")
    return application


def staff_detail_in_review(user):
    application = _reviewed_file(_wave())
    return reverse("applications:instruction_detail", args=[application.pk])


def criteria_grid(user):
    return reverse("reviews:criteria_grid", args=[_wave().pk])


def committees(user):
    wave = _wave()
    _reviewed_file(wave)
    return reverse("reviews:committees", args=[wave.pk])


def assignment_board(user):
    wave = _wave()
    _reviewed_file(wave)
    return reverse("reviews:assignments", args=[wave.pk])


def ranking(user):
    wave = _wave()
    for value in (5, 3):
        application = application_in_state(S.IN_REVIEW, wave=wave)
        review_with_scores(AssignmentFactory(application=application, accepted=True), value)
    return reverse("reviews:ranking", args=[wave.pk])


# --- Reviewers ---------------------------------------------------------------------------------


def reviewer_list(user):
    """The reviewer's files: one to accept, one opened, one reviewed."""
    wave = _wave()
    AssignmentFactory(reviewer=user, application=application_in_state(S.IN_REVIEW, wave=wave))
    AssignmentFactory(
        reviewer=user, application=application_in_state(S.IN_REVIEW, wave=wave), accepted=True
    )
    done = AssignmentFactory(
        reviewer=user, application=application_in_state(S.IN_REVIEW, wave=wave), accepted=True
    )
    review_with_scores(done, 4)
    return reverse("reviews:reviewer_home")


def engagement(user):
    application = application_in_state(S.IN_REVIEW, wave=_wave())
    assignment = AssignmentFactory(reviewer=user, application=application)
    return reverse("reviews:engagement", args=[assignment.pk])


def review_form(user):
    application = application_in_state(S.IN_REVIEW, wave=_wave())
    assignment = AssignmentFactory(reviewer=user, application=application, accepted=True)
    return reverse("reviews:review", args=[assignment.pk])


def _deliberation_wave():
    """A wave whose call has closed, with a reviewed file in deliberation and its decision."""
    from tests.factories.jury import decision_for, file_in_deliberation
    from tests.factories.label import close_call

    wave = _wave()
    close_call(wave)
    application = file_in_deliberation(
        wave, title="Jardins partagés", reviews=[{"value": 4, "shared_comment": "Solide."}]
    )
    decision_for(application)
    return wave, application


def jury_file(user):
    """The jury's page of one file in deliberation."""
    _wave_, application = _deliberation_wave()
    return reverse("reviews:jury_file", args=[application.pk])


def announcement(user):
    """The announcement page of a wave whose call has closed, one decision pending."""
    wave, _application = _deliberation_wave()
    return reverse("reviews:announce", args=[wave.pk])


def wave_list(user):
    """The staff's list of waves."""
    _wave()
    return reverse("label:wave_list")


def wave_update(user):
    """The form of a wave (edition, dates, signatory)."""
    return reverse("label:wave_update", args=[_wave().pk])


def wave_mail_texts(user):
    """The announcement mails of a wave, one form per outcome."""
    return reverse("label:wave_mail_texts", args=[_wave().pk])


def wave_eligibility(user):
    """The eligibility checklist of a wave, still editable."""
    return reverse("label:wave_eligibility", args=[_wave().pk])


def jury_composition(user):
    """The jury composition of a wave, with two members of whom one presides."""
    from reviews.jury.composition import jury_composition_set
    from tests.factories.jury import jury_member

    wave = _wave()
    anne, bruno = jury_member(full_name="Anne Présidente"), jury_member(full_name="Bruno Juré")
    jury_composition_set(wave=wave, by=user, members=[anne, bruno], president=anne)
    return reverse("reviews:jury_composition", args=[wave.pk])
