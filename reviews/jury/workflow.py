"""The moves the jury's work makes: a wave's announcement, the withdrawal of a label.

Each function, in one transaction: locks the rows it changes, checks the actor with rules,
validates its input, writes, and queues mails on commit.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.enums import ApplicationState
from applications.models import Application
from applications.workflow import application_announce, application_revoke
from label.dates import paris_datetime_display
from label.models import Wave
from reviews.enums import OUTCOME_EFFECTS
from reviews.jury.selectors import announcement_plan
from reviews.models import JuryDecision
from reviews.signals import label_revoked, project_labelled

__all__ = [
    "AnnouncementBlocked",
    "AnnouncementTooEarly",
    "label_revoke",
    "wave_announce",
]


class AnnouncementBlocked(ValidationError):
    """Files of the wave are in deliberation without a decision: nothing may be announced."""

    def __init__(self, applications):
        self.applications = list(applications)
        references = ", ".join(a.reference or str(a.pk) for a in self.applications)
        super().__init__(
            _(
                "L'annonce est bloquée : %(count)d dossier(s) en délibération sans décision "
                "(%(references)s)."
            )
            % {"count": len(self.applications), "references": references}
        )


class AnnouncementTooEarly(ValidationError):
    """The wave's call for applications is still open: its results may not be announced."""

    def __init__(self, wave):
        super().__init__(
            _(
                "Les résultats ne peuvent être annoncés qu'après la clôture de l'appel, le "
                "%(date)s (heure de Paris)."
            )
            % {"date": paris_datetime_display(wave.closes_at)}
        )


@dataclass
class AnnouncementResult:
    """What an announcement did: the files moved."""

    applications: list = field(default_factory=list)

    @property
    def nothing_announced(self):
        return not self.applications


@transaction.atomic
def wave_announce(*, wave, by):
    """Announce a wave's results: apply every pending jury decision at once.

    Effects, in order, in one transaction: check staff; lock the wave row (one announcement
    at a time); a call still open refuses (AnnouncementTooEarly: results come after the
    call has closed) and its files in deliberation (no decision changes meanwhile); a file in
    deliberation without a decision blocks everything (AnnouncementBlocked names them);
    nothing pending returns an empty result (announcing twice does nothing); the wave's
    announcement date (the first time); then for each decision, by reference: the
    `announce` transition (history row, mail to the applicant in the outbox), the decision
    stamped announced, and for a labelled project the ``project_labelled`` signal (the
    catalogue publishes its entry, the certificates app issues its certificate, rendered by a
    task on commit). If any step fails, nothing remains: no state changed, no mail queued,
    no certificate, no entry.
    """
    if not by.has_perm("reviews.announce_results"):
        raise PermissionDenied(_("Vous n'avez pas le droit d'annoncer les résultats."))
    wave = Wave.objects.select_for_update().get(pk=wave.pk)
    if not by.has_perm("reviews.announce_results", wave):
        raise AnnouncementTooEarly(wave)
    list(
        Application.objects.select_for_update(of=("self",))
        .filter(wave=wave, state=ApplicationState.DELIBERATION)
        .values_list("pk", flat=True)
    )
    plan = announcement_plan(wave)
    if plan.missing:
        raise AnnouncementBlocked(plan.missing)
    result = AnnouncementResult()
    if not plan.decisions:
        return result
    now = timezone.now()
    if wave.results_announced_at is None:
        wave.results_announced_at = now
        wave.save(update_fields=["results_announced_at"])
    for decision in plan.decisions:
        state, award = OUTCOME_EFFECTS[decision.outcome]
        application = application_announce(
            application=decision.application,
            by=by,
            outcome=state,
            award=award,
            motivation=decision.motivation,
        )
        JuryDecision.objects.filter(pk=decision.pk).update(announced_at=now)
        result.applications.append(application)
        if application.state == ApplicationState.LABELLED:
            project_labelled.send(sender=Application, application=application, by=by)
    return result


@transaction.atomic
def label_revoke(*, application, by, motivation):
    """Withdraw a project's label for a breach of the convention, and take it off the catalogue.

    Effects, in order, in one transaction: the `revoke` transition (lock, staff checked,
    motivation required, history row, mail to the holder with the motivation); the
    ``label_revoked`` signal (the catalogue unpublishes the project's entry). The
    verification page of its certificate then says « label retiré le … » (it reads the
    application's state).
    """
    revoked = application_revoke(application=application, by=by, motivation=motivation)
    label_revoked.send(sender=Application, application=revoked, by=by)
    return revoked
