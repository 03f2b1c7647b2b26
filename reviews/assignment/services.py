"""Writes about who reviews what: committees, the reviewers' declarations, assignments (by
hand or planned), the engagement and conflicts of interest, the reminders of due reviews."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.enums import ApplicationState
from applications.models import Application
from label.models import Wave
from label.rules import is_reviewer
from reviews import notifications
from reviews.assignment import selectors
from reviews.conflicts import conflict_map
from reviews.enums import ReviewState
from reviews.models import Assignment, Committee, ReviewerProfile
from reviews.rules import require_perm

# Reminders go out this many days before the due date, and again on it.
REMINDER_DAYS_BEFORE = 3


def _require_text(value, message):
    if not (value or "").strip():
        raise ValidationError(message)
    return value.strip()


# --- Committees and reviewer profiles -------------------------------------------------------


def _check_members(members):
    members = list(members)
    not_reviewers = [str(member) for member in members if not is_reviewer(member)]
    if not_reviewers:
        raise ValidationError(
            _("Ces personnes n'ont pas le rôle d'évaluateur : %(names)s.")
            % {"names": ", ".join(not_reviewers)}
        )
    return members


@transaction.atomic
def committee_create(*, wave, by, kind, name, members=()):
    """Create a committee of the wave with its reviewers."""
    require_perm("reviews.manage_reviews", by)
    members = _check_members(members)
    name = _require_text(name, _("Le nom du comité est obligatoire."))
    if Committee.objects.filter(wave=wave, name__iexact=name).exists():
        raise ValidationError(_("Un comité de cette vague porte déjà ce nom."))
    committee = Committee.objects.create(wave=wave, kind=kind, name=name)
    committee.members.set(members)
    return committee


@transaction.atomic
def committee_update(*, committee, by, kind, name, members):
    """Rename a committee or change its members; live assignments stay as they are."""
    require_perm("reviews.manage_reviews", by)
    members = _check_members(members)
    name = _require_text(name, _("Le nom du comité est obligatoire."))
    clash = Committee.objects.filter(wave_id=committee.wave_id, name__iexact=name).exclude(
        pk=committee.pk
    )
    if clash.exists():
        raise ValidationError(_("Un comité de cette vague porte déjà ce nom."))
    committee.kind = kind
    committee.name = name
    committee.save(update_fields=["kind", "name"])
    committee.members.set(members)
    return committee


@transaction.atomic
def reviewer_profile_update(*, user, organisation, mandate_communes):
    """Record the reviewer's organisation and the communes where they hold a mandate.

    They take effect on the next assignments; assignments already made stay, and the
    reviewer declares a conflict on them if there is one.
    """
    profile, _created = ReviewerProfile.objects.get_or_create(user=user)
    profile.organisation = (organisation or "").strip()
    profile.save(update_fields=["organisation", "updated_at"])
    profile.mandate_communes.set(mandate_communes)
    return profile


# --- Assignment --------------------------------------------------------------------------


@dataclass
class Plan:
    """What assignment_plan proposes: new pairs, files left short, resulting loads."""

    pairs: list = field(default_factory=list)  # [(application, reviewer)], sorted
    shortfall: dict = field(default_factory=dict)  # {application: reviewers missing}
    loads: dict = field(default_factory=dict)  # {reviewer: assignments after the plan}


def assignment_plan(applications, reviewers, per_application, cap, conflicts, existing=()):
    """Plan who reviews what: a pure, deterministic function of its inputs.

    `applications` and `reviewers` are sortable keys (e.g. primary keys); `conflicts` the
    (application, reviewer) pairs that may never be planned; `existing` the pairs already
    assigned, which count towards each file's `per_application` reviewers and each
    reviewer's `cap` (pairs on files outside `applications` count towards the cap only),
    and are never planned again.

    Files with the fewest possible reviewers are served first; each takes the least loaded
    possible reviewers (ties broken by key). A final pass moves planned files from the most
    to the least loaded reviewers while that narrows the spread, so that loads differ by at
    most one whenever conflicts and caps allow it. Input order never changes the result.
    """
    applications = sorted(set(applications))
    reviewers = sorted(set(reviewers))
    conflicts = set(conflicts)
    existing = {pair for pair in existing if pair[1] in set(reviewers)}
    loads = {reviewer: 0 for reviewer in reviewers}
    on_file = defaultdict(set)
    for application, reviewer in sorted(existing):
        loads[reviewer] += 1
        on_file[application].add(reviewer)

    def possible(application, reviewer):
        return (
            (application, reviewer) not in conflicts
            and reviewer not in on_file[application]
            and loads[reviewer] < cap
        )

    def candidates_count(application):
        return sum(
            1
            for reviewer in reviewers
            if (application, reviewer) not in conflicts and reviewer not in on_file[application]
        )

    planned = defaultdict(set)  # reviewer → applications planned in this run
    shortfall = {}
    for application in sorted(applications, key=lambda a: (candidates_count(a), a)):
        needed = per_application - len(on_file[application])
        if needed <= 0:
            continue
        chosen = sorted(
            (reviewer for reviewer in reviewers if possible(application, reviewer)),
            key=lambda reviewer: (loads[reviewer], reviewer),
        )[:needed]
        for reviewer in chosen:
            loads[reviewer] += 1
            on_file[application].add(reviewer)
            planned[reviewer].add(application)
        if len(chosen) < needed:
            shortfall[application] = needed - len(chosen)

    # Rebalance: each move lowers the sum of squared loads, so the loop ends.
    moved = True
    while moved:
        moved = False
        for high in sorted(reviewers, key=lambda reviewer: (-loads[reviewer], reviewer)):
            for application in sorted(planned[high]):
                lows = [
                    reviewer
                    for reviewer in reviewers
                    if loads[reviewer] <= loads[high] - 2 and possible(application, reviewer)
                ]
                if not lows:
                    continue
                low = min(lows, key=lambda reviewer: (loads[reviewer], reviewer))
                planned[high].discard(application)
                on_file[application].discard(high)
                loads[high] -= 1
                planned[low].add(application)
                on_file[application].add(low)
                loads[low] += 1
                moved = True
                break
            if moved:
                break

    pairs = sorted(
        (application, reviewer)
        for reviewer, applications_of in planned.items()
        for application in applications_of
    )
    return Plan(pairs=pairs, shortfall=shortfall, loads=loads)


def _application_conflicts(application, reviewer):
    """Why this reviewer may not review this file ([] when they may)."""
    application = Application.objects.prefetch_related("communes").get(pk=application.pk)
    return conflict_map([application], [reviewer]).get((application.pk, reviewer.pk), [])


def _check_due_date(due_on):
    if due_on is None:
        raise ValidationError(_("La date limite de l'évaluation est obligatoire."))
    if due_on < timezone.localdate():
        raise ValidationError(_("La date limite de l'évaluation ne peut pas être passée."))


@transaction.atomic
def assignment_create(*, application, reviewer, due_on, by, committee=None):
    """Give a file under instruction to a reviewer of the wave, who is e-mailed.

    Refused, with the reason: a file not under instruction, someone who sits on no committee
    of the wave, a reviewer already on the file, a due date in the past, and any conflict of
    interest (holder's organisation, mandate commune, conflict declared before) — whatever
    the form offered, since the request may be hand-made. Effects: the application row is
    locked; the assignment; the mail to the reviewer (outbox, sent on commit).
    """
    require_perm("reviews.manage_reviews", by)
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("wave")
        .get(pk=application.pk)
    )
    if application.state != ApplicationState.IN_REVIEW:
        raise ValidationError(
            _("Seul un dossier en instruction peut être attribué à un évaluateur.")
        )
    committees = Committee.objects.filter(wave_id=application.wave_id, members=reviewer)
    if committee is not None:
        committees = committees.filter(pk=committee.pk)
    committee = committees.order_by("pk").first()
    if committee is None or not is_reviewer(reviewer):
        raise ValidationError(
            _("%(reviewer)s ne siège dans aucun comité de cette vague.") % {"reviewer": reviewer}
        )
    reasons = _application_conflicts(application, reviewer)
    if reasons:
        raise ValidationError(
            _("Attribution refusée, conflit d'intérêts de %(reviewer)s : %(reasons)s.")
            % {"reviewer": reviewer, "reasons": " ; ".join(reasons)}
        )
    if Assignment.objects.filter(application=application, reviewer=reviewer).exists():
        raise ValidationError(
            _("%(reviewer)s est déjà attribué(e) à ce dossier.") % {"reviewer": reviewer}
        )
    _check_due_date(due_on)
    try:
        with transaction.atomic():
            assignment = Assignment.objects.create(
                application=application,
                reviewer=reviewer,
                committee=committee,
                due_on=due_on,
                assigned_by=by,
            )
    except IntegrityError as error:
        raise ValidationError(
            _("%(reviewer)s est déjà attribué(e) à ce dossier.") % {"reviewer": reviewer}
        ) from error
    notifications.notify_reviewer_assigned(assignment)
    return assignment


@dataclass
class AutoAssignmentResult:
    created: list
    shortfall: dict  # {Application: reviewers missing}
    loads: dict  # {reviewer pk: live assignments in the wave}


@transaction.atomic
def assignment_auto(*, wave, by, per_application, cap, due_on, committee=None):
    """Assign reviewers to every file of the wave under instruction, following the plan.

    Reviewers are the members of the wave's committees (or of one committee); each file gets
    `per_application` reviewers in all, each reviewer at most `cap` live assignments in the
    wave; conflicts are excluded; see assignment_plan for the balance. Effects: the wave row
    is locked (one automatic run at a time); the assignments; a mail to each reviewer.
    """
    require_perm("reviews.manage_reviews", by)
    if per_application < 1 or cap < 1:
        raise ValidationError(_("Le nombre d'évaluateurs et le plafond doivent être positifs."))
    _check_due_date(due_on)
    Wave.objects.select_for_update().get(pk=wave.pk)
    applications = list(
        Application.objects.filter(wave=wave, state=ApplicationState.IN_REVIEW).prefetch_related(
            "communes"
        )
    )
    reviewers = selectors.reviewer_list_for_wave(wave, committee)
    conflicts = conflict_map(applications, reviewers)
    # Every live assignment of the wave counts towards the cap, whatever its file's state;
    # conflicts declared on earlier assignments are in `conflicts`.
    existing = set(
        Assignment.objects.active()
        .filter(application__wave=wave)
        .values_list("application_id", "reviewer_id")
    )
    plan = assignment_plan(
        [application.pk for application in applications],
        [reviewer.pk for reviewer in reviewers],
        per_application=per_application,
        cap=cap,
        conflicts=set(conflicts),
        existing=existing,
    )
    committees = selectors.reviewer_committee_map(wave)
    by_pk_application = {application.pk: application for application in applications}
    by_pk_reviewer = {reviewer.pk: reviewer for reviewer in reviewers}
    created = []
    for application_pk, reviewer_pk in plan.pairs:
        assignment = Assignment.objects.create(
            application=by_pk_application[application_pk],
            reviewer=by_pk_reviewer[reviewer_pk],
            committee_id=(committee.pk if committee else committees.get(reviewer_pk)),
            due_on=due_on,
            assigned_by=by,
        )
        notifications.notify_reviewer_assigned(assignment)
        created.append(assignment)
    return AutoAssignmentResult(
        created=created,
        shortfall={by_pk_application[pk]: missing for pk, missing in plan.shortfall.items()},
        loads=plan.loads,
    )


@transaction.atomic
def assignment_accept(*, assignment, by):
    """The reviewer accepts confidentiality and declares no conflict: the file opens to them."""
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("application")
        .get(pk=assignment.pk)
    )
    require_perm("reviews.accept_assignment", by, assignment)
    assignment.confidentiality_accepted_at = timezone.now()
    assignment.save(update_fields=["confidentiality_accepted_at"])
    return assignment


@transaction.atomic
def assignment_declare_conflict(*, assignment, by, reason):
    """The reviewer declares a conflict of interest: they stand down and the file is hidden.

    Possible until their review is submitted. The assignment row stays, flagged with the
    date and reason, for the record; a draft review is left out of every count. Effects:
    lock; reason required; flag; a mail to the staff member who made the assignment.
    """
    reason = _require_text(reason, _("Indiquez la nature du conflit d'intérêts."))
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("application", "application__wave", "reviewer", "assigned_by")
        .get(pk=assignment.pk)
    )
    require_perm("reviews.declare_conflict", by, assignment)
    assignment.conflict_declared_at = timezone.now()
    assignment.conflict_reason = reason
    assignment.save(update_fields=["conflict_declared_at", "conflict_reason"])
    notifications.notify_conflict_declared(assignment)
    return assignment


# --- Reminders -----------------------------------------------------------------------------


def review_reminders_send(*, today=None):
    """Mail reviewers whose review is pending, 3 days before the due date and on it, once each.

    Run daily by celery beat; safe to run again the same day or by two workers: each
    reminder is claimed by a conditional update before its mail is queued, in one
    transaction per assignment. A run missed before the due date is caught up later, as
    long as the due date has not come; the due-date reminder replaces a missed earlier one.
    Returns the number of mails queued.
    """
    today = today or timezone.localdate()
    pending = (
        Assignment.objects.active()
        .filter(
            application__state=ApplicationState.IN_REVIEW,
            due_on__lte=today + timedelta(days=REMINDER_DAYS_BEFORE),
            due_on__gte=today,
        )
        .exclude(review__state=ReviewState.SUBMITTED)
        .values_list("pk", "due_on", "reminder_before_sent_at", "reminder_due_sent_at")
    )
    sent = 0
    for pk, due_on, before_sent, due_sent in list(pending):
        on_due_date = due_on == today
        if (on_due_date and due_sent) or (not on_due_date and before_sent):
            continue
        with transaction.atomic():
            now = timezone.now()
            claim = Assignment.objects.filter(pk=pk)
            if on_due_date:
                claimed = claim.filter(reminder_due_sent_at__isnull=True).update(
                    reminder_due_sent_at=now
                )
                Assignment.objects.filter(pk=pk, reminder_before_sent_at__isnull=True).update(
                    reminder_before_sent_at=now
                )
            else:
                claimed = claim.filter(reminder_before_sent_at__isnull=True).update(
                    reminder_before_sent_at=now
                )
            if claimed:
                assignment = Assignment.objects.select_related(
                    "application", "application__wave", "reviewer"
                ).get(pk=pk)
                notifications.notify_reviewer_reminder(assignment, on_due_date=on_due_date)
                sent += 1
    return sent
