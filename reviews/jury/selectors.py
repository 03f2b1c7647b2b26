"""Reads of the jury's pages and documents; each owns its select_related / prefetch_related.

The wave's board costs a fixed number of queries whatever the number of files: the ranking,
opinions, decisions and recusals are each read once for the whole wave.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q
from django.utils.translation import gettext as _

from applications.conditions import eligibility_checklist_items
from applications.enums import ApplicationState
from applications.models import Application, ApplicationEvent, Attachment
from applications.notifications import announcement_mail_preview
from label.enums import Role
from label.models import Commune, User, Wave
from label.wave_texts import AnnouncementMailKind
from reviews.conflicts import conflict_map
from reviews.enums import LABELLING_OUTCOMES, JuryOutcome, Opinion, ReviewState
from reviews.models import JuryDecision, JurySession, Recusal, Review
from reviews.ranking.selectors import ranking_for_wave
from reviews.rules import JURY_STATES
from reviews.scoring import arithmetic
from reviews.scoring.selectors import criterion_list_for_wave, submitted_reviews_for_application

S = ApplicationState


def jury_wave_list():
    """Waves with files before the jury, newest first, with how many await a decision."""
    return list(
        Wave.objects.annotate(
            in_deliberation=Count(
                "applications", filter=Q(applications__state=S.DELIBERATION), distinct=True
            ),
            decided=Count(
                "applications",
                filter=Q(applications__state__in=JURY_STATES - {S.DELIBERATION}),
                distinct=True,
            ),
            with_decision=Count(
                "applications__jury_decision",
                filter=Q(applications__state=S.DELIBERATION),
                distinct=True,
            ),
        )
        .filter(Q(in_deliberation__gt=0) | Q(decided__gt=0))
        .order_by("-number")
    )


def jury_member_list():
    """Active accounts with the jury role: who may be recorded present at a session."""
    return User.objects.filter(is_active=True, groups__name=Role.JURY).order_by(
        "full_name", "email"
    )


def jury_conflicts_for_member(applications, member):
    """{application pk: [reasons]} of the files this member may not deliberate on by the rules.

    The reviewers' rules (reviews.conflicts), read in bulk: applications should come with
    their communes prefetched.
    """
    return {
        application_pk: reasons
        for (application_pk, _member_pk), reasons in conflict_map(applications, [member]).items()
    }


# --- The board of a wave ---------------------------------------------------------------------


@dataclass
class JuryRow:
    """One file on the jury's board: its ranking line, opinions, decision and recusals."""

    ranking: object  # reviews.ranking.selectors.RankingRow
    opinions: list  # [(Opinion, count)] in the vocabulary's order, zero counts left out
    decision: JuryDecision | None
    recusals: list  # Recusal rows of this file (every member's)
    recused: Recusal | None = None  # the viewing member's, if any
    decision_read_at: object = None


@dataclass
class JuryBoard:
    wave: Wave
    criteria: tuple
    rows: list  # files in deliberation, best ranked first
    announced: list  # files decided and announced, best ranked first
    missing_decisions: list  # rows in deliberation without a decision
    wave_mean: float | None = None
    disagreement_threshold: float = arithmetic.DISAGREEMENT_SD
    counts: dict = field(default_factory=dict)  # {JuryOutcome: pending decisions}


def jury_board_for_wave(wave, *, member=None):
    """The jury's view of a wave: files in deliberation ranked, then those already announced.

    `member` is the jury member looking (None for staff): their recusals are marked on the
    rows. A fixed number of queries: the ranking (four), opinions, decisions, recusals and
    the read receipts.
    """
    ranking = ranking_for_wave(wave)
    ids = [row.application_id for row in ranking.rows if row.state in JURY_STATES]
    opinions = defaultdict(Counter)
    for application_id, opinion in (
        Review.objects.filter(
            assignment__application_id__in=ids,
            assignment__conflict_declared_at__isnull=True,
            state=ReviewState.SUBMITTED,
        )
        .order_by()
        .values_list("assignment__application_id", "opinion")
    ):
        opinions[application_id][opinion] += 1
    decisions = {
        decision.application_id: decision
        for decision in JuryDecision.objects.filter(application_id__in=ids).select_related(
            "recorded_by"
        )
    }
    recusals = defaultdict(list)
    for recusal in Recusal.objects.filter(application_id__in=ids).select_related("member"):
        recusals[recusal.application_id].append(recusal)
    read = dict(
        Application.objects.filter(pk__in=ids, decision_read_at__isnull=False).values_list(
            "pk", "decision_read_at"
        )
    )
    rows, announced = [], []
    for line in ranking.rows:
        if line.state not in JURY_STATES:
            continue
        own = [r for r in recusals[line.application_id] if member and r.member_id == member.pk]
        row = JuryRow(
            ranking=line,
            opinions=[
                (opinion, opinions[line.application_id][opinion])
                for opinion in Opinion
                if opinions[line.application_id][opinion]
            ],
            decision=decisions.get(line.application_id),
            recusals=recusals[line.application_id],
            recused=own[0] if own else None,
            decision_read_at=read.get(line.application_id),
        )
        (rows if line.state == S.DELIBERATION else announced).append(row)
    counts = Counter(row.decision.outcome for row in rows if row.decision)
    return JuryBoard(
        wave=wave,
        criteria=ranking.criteria,
        rows=rows,
        announced=announced,
        missing_decisions=[row for row in rows if row.decision is None],
        wave_mean=ranking.wave_mean,
        disagreement_threshold=ranking.disagreement_threshold,
        counts={outcome: counts[outcome] for outcome in JuryOutcome if counts[outcome]},
    )


def jury_session_list_for_wave(wave):
    """The sittings of a wave's jury with their members present, oldest first."""
    return list(
        JurySession.objects.filter(wave=wave)
        .prefetch_related("members_present")
        .order_by("held_on", "pk")
    )


def applications_in_deliberation(wave):
    """The wave's files in deliberation with their communes (for the conflict rules)."""
    return list(
        Application.objects.filter(wave=wave, state=S.DELIBERATION)
        .prefetch_related("communes")
        .order_by("reference", "pk")
    )


# --- One file ----------------------------------------------------------------------------------


def jury_file_get(pk):
    """One application that went before the jury, with what the jury's page shows of the
    dossier, or None (also for a file that never went before the jury)."""
    return (
        Application.objects.select_related("wave", "owner")
        .prefetch_related(
            Prefetch("communes", queryset=Commune.objects.order_by("name")),
            Prefetch(
                "attachments",
                queryset=Attachment.objects.filter(message__isnull=True).order_by(
                    "kind", "created_at", "pk"
                ),
                to_attr="dossier_attachments",
            ),
        )
        .filter(pk=pk, state__in=JURY_STATES)
        .first()
    )


def jury_decision_get(application):
    """The jury's decision on a file with the reviews it shares, or None."""
    return (
        JuryDecision.objects.select_related("recorded_by")
        .prefetch_related("shared_reviews")
        .filter(application=application)
        .first()
    )


def shareable_reviews(application):
    """Submitted reviews of a file whose comment for the applicant is not empty, in order."""
    return list(
        Review.objects.filter(
            assignment__application=application,
            assignment__conflict_declared_at__isnull=True,
            state=ReviewState.SUBMITTED,
        )
        .exclude(shared_comment="")
        .order_by("submitted_at", "pk")
    )


@dataclass
class StaffSummary:
    """What the instruction team hands the jury: the eligibility checklist and its notes."""

    checklist: list  # [(label, True/False/None)]
    notes: list  # ApplicationEvent rows carrying an internal note, oldest first


def staff_summary_for_jury(application):
    """The eligibility checklist and the internal notes of the file's timeline.

    The notes written with the moves (at eligibility, at the hand-over to the jury, …) are
    the ones staff write for whoever handles the file next. The team's free-standing notes
    (StaffNote) are its working notes and stay on the staff page.
    """
    answers = application.eligibility_checklist or {}
    return StaffSummary(
        checklist=[
            (label, answers.get(code)) for code, label in eligibility_checklist_items(application)
        ],
        notes=list(
            ApplicationEvent.objects.filter(application=application)
            .exclude(internal_note="")
            .select_related("actor")
            .order_by("created_at", "pk")
        ),
    )


def jury_file_context(application):
    """The reviews of a file as the jury reads them (names and private comments), its rank."""
    criteria = criterion_list_for_wave(application.wave_id)
    reviews = submitted_reviews_for_application(application, criteria)
    ranking = ranking_for_wave(application.wave_id)
    line = next((row for row in ranking.rows if row.application_id == application.pk), None)
    return {
        "criteria": criteria,
        "reviews": reviews,
        "summary": arithmetic.summarise(view.total for view in reviews),
        "ranking_row": ranking_row_with_criteria(ranking, line),
        "staff_summary": staff_summary_for_jury(application),
        "recusals": list(Recusal.objects.filter(application=application).select_related("member")),
    }


def ranking_row_with_criteria(ranking, line):
    """[(criterion, mean)] of a ranking line, or None when the file is not ranked."""
    if line is None:
        return None
    return {
        "row": line,
        "criterion_means": list(zip(ranking.criteria, line.criterion_means, strict=True)),
    }


# --- Announcement and minutes -------------------------------------------------------------------


@dataclass
class AnnouncementPlan:
    """What announcing a wave would do, for the confirmation page."""

    decisions: list  # pending JuryDecision rows of files in deliberation, by reference
    missing: list  # files in deliberation without a decision: they block the announcement
    counts: dict  # {JuryOutcome: number}
    labelled: int  # certificates to render and catalogue entries to publish
    outside: list = field(default_factory=list)  # (application, why it does not block)

    @property
    def blocked(self):
        return bool(self.missing)

    @property
    def nothing_to_do(self):
        return not self.decisions and not self.missing


def announcement_plan(wave):
    """The pending decisions a wave's announcement would apply, and what blocks it."""
    in_deliberation = list(
        Application.objects.filter(wave=wave, state=S.DELIBERATION)
        .select_related("jury_decision", "owner")
        .order_by("reference", "pk")
    )
    decisions, missing = [], []
    for application in in_deliberation:
        decision = getattr(application, "jury_decision", None)
        if decision is None or decision.is_announced:
            missing.append(application)
        else:
            decisions.append(decision)
    counts = Counter(decision.outcome for decision in decisions)
    return AnnouncementPlan(
        decisions=decisions,
        missing=missing,
        counts={outcome: counts[outcome] for outcome in JuryOutcome if counts[outcome]},
        labelled=sum(counts[outcome] for outcome in LABELLING_OUTCOMES),
        outside=_files_outside_deliberation(wave),
    )


def _why_not_blocking(state):
    """Why a file of the wave that is not in deliberation does not stop the announcement."""
    if state in (S.SUBMITTED, S.CHANGES_REQUESTED, S.ELIGIBLE):
        return _(
            "pas encore examiné ou sélectionné : l'annonce ne le concerne pas, il garde son "
            "état et reste à traiter par l'équipe"
        )
    if state == S.IN_REVIEW:
        return _(
            "en instruction, pas transmis au jury : l'annonce ne le concerne pas, il garde son état"
        )
    return _("déjà clos : l'annonce ne le change pas")


def _files_outside_deliberation(wave):
    """The wave's filed applications not in deliberation (drafts are their authors' only)."""
    applications = (
        Application.objects.filter(wave=wave)
        .exclude(state__in=(S.DRAFT, S.DELIBERATION))
        .order_by("reference", "pk")
    )
    return [(application, _why_not_blocking(application.state)) for application in applications]


@dataclass
class AnnouncementMailPreview:
    """The mail of one outcome as a holder will receive it, for the announcement page."""

    outcome: JuryOutcome
    count: int  # files the announcement will send it to
    application: object  # the file it is rendered with, or None for sample values
    mail: object  # applications.notifications.MailPreview


def announcement_mail_previews(wave, plan):
    """One preview per outcome: rendered with the first file of that outcome in ``plan``,
    or with sample values when none has it. The mail's kinds share the outcomes' codes."""
    previews = []
    for outcome in JuryOutcome:
        decision = next((d for d in plan.decisions if d.outcome == outcome), None)
        application = decision.application if decision else None
        mail = announcement_mail_preview(
            wave=wave,
            kind=AnnouncementMailKind(outcome.value),
            application=application,
        )
        previews.append(
            AnnouncementMailPreview(
                outcome=outcome,
                count=plan.counts.get(outcome, 0),
                application=application,
                mail=mail,
            )
        )
    return previews


def announced_list_for_wave(wave):
    """Decisions of a wave already announced, with the applicant's read receipt."""
    return list(
        JuryDecision.objects.filter(application__wave=wave, announced_at__isnull=False)
        .select_related("application")
        .order_by("application__reference", "pk")
    )


@dataclass
class Minutes:
    wave: Wave
    sessions: list
    recusals: list
    decisions: list  # JuryDecision rows, by outcome then reference
    without_decision: list  # files in deliberation without a decision
    # Files of the wave left out of this reader's copy: they may not see them (recused, in
    # conflict, or a jury member after the decision), so neither decision nor name appears.
    withheld: int = 0


def minutes_for_wave(wave, *, reader=None):
    """Everything the procès-verbal of a wave's jury holds, as `reader` may read it.

    The minutes carry the pending decisions, so each file asks the rule of the file's own
    page, ``reviews.view_jury_file``: a recused member (or one in conflict) reads neither the
    decision, the title nor the holder of that file, and only their own recusal on it. Staff
    read every file. Without a reader (a command, a task) nothing is filtered: the caller is
    the portal itself. Five queries, plus the conflict checks of a jury member's copy.
    """
    sessions = list(
        JurySession.objects.filter(wave=wave)
        .prefetch_related(
            Prefetch("members_present", queryset=User.objects.order_by("full_name", "email"))
        )
        .order_by("held_on", "pk")
    )
    recusals = list(
        Recusal.objects.filter(wave=wave)
        .select_related("member", "application__wave")
        .order_by("application__reference", "member__full_name", "pk")
    )
    order = {outcome: position for position, outcome in enumerate(JuryOutcome.values)}
    decisions = sorted(
        JuryDecision.objects.filter(application__wave=wave).select_related("application__wave"),
        key=lambda decision: (
            order.get(decision.outcome, 99),
            decision.application.reference or "",
            decision.pk,
        ),
    )
    without_decision = list(
        Application.objects.filter(wave=wave, state=S.DELIBERATION, jury_decision__isnull=True)
        .select_related("wave")
        .order_by("reference", "pk")
    )
    withheld = 0
    if reader is not None:
        visible = {}

        def may_see(application):
            if application.pk not in visible:
                visible[application.pk] = reader.has_perm("reviews.view_jury_file", application)
            return visible[application.pk]

        decisions = [decision for decision in decisions if may_see(decision.application)]
        without_decision = [application for application in without_decision if may_see(application)]
        recusals = [
            recusal
            for recusal in recusals
            if recusal.member_id == reader.pk or may_see(recusal.application)
        ]
        withheld = sum(1 for seen in visible.values() if not seen)
    return Minutes(
        wave=wave,
        sessions=sessions,
        recusals=recusals,
        decisions=decisions,
        without_decision=without_decision,
        withheld=withheld,
    )


# --- What the applicant and the staff page read of a decision -----------------------------------


@dataclass(frozen=True)
class ApplicantDecision:
    """The announced decision as its holder reads it: never a reviewer's name or private note."""

    outcome_label: str
    motivation: str
    conditions: str
    comments: tuple  # the shared comments the jury chose, oldest review first
    announced_at: object


def decision_for_applicant(application):
    """The jury's decision on a file once announced, as the applicant may read it, or None.

    A pending decision is never returned: it exists for the applicant only from the
    announcement on. Two queries at most.
    """
    if application is None or application.announced_at is None:
        return None
    decision = (
        JuryDecision.objects.filter(application=application, announced_at__isnull=False)
        .only("outcome", "motivation", "conditions", "announced_at")
        .first()
    )
    if decision is None:
        return None
    comments = tuple(
        JuryDecision.shared_reviews.through.objects.filter(jurydecision=decision)
        .exclude(review__shared_comment="")
        .order_by("review__submitted_at", "review__pk")
        .values_list("review__shared_comment", flat=True)
    )
    return ApplicantDecision(
        outcome_label=str(decision.get_outcome_display()),
        motivation=decision.motivation,
        conditions=decision.conditions,
        comments=comments,
        announced_at=decision.announced_at,
    )


def jury_panel_for_staff(application, user):
    """The decision of a file, its recusals and read receipt, and what staff may do next."""
    return {
        "decision": jury_decision_get(application),
        "recusals": list(Recusal.objects.filter(application=application).select_related("member")),
        "may_view_jury_file": user.has_perm("reviews.view_jury_file", application),
        "may_revoke": user.has_perm("reviews.revoke_label", application),
    }
