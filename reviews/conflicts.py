"""Conflicts of interest between a reviewer and a file, decided from plain data.

Three sources (DESIGN.md §4): the reviewer belongs to the holder's organisation; the reviewer
holds an elected mandate in one of the project's communes (a territorial conflict); the
reviewer declared a personal link. The first two are found here, before any assignment; the
third is declared by the reviewer on the file and recorded on the assignment.

A territory-wide project conflicts through the communes it lists, not through every commune
of the Pôle: counting all 150 would keep every elected reviewer away from every
territory-wide project and could leave such files without reviewers. A reviewer with a
personal stake in one declares it when the file is offered to them.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from reviews.models import Assignment, ReviewerProfile

# Words that only say what kind of body it is: « Association Terre d'Artois » and « Terre
# d'Artois » are the same organisation. Compared after normalisation.
_LEGAL_FORMS = frozenset({"association", "asso", "sarl", "sas", "sa", "scop", "scic", "eurl"})


def normalise_organisation(name):
    """The comparable form of an organisation's name: no case, accents, punctuation or form.

    « Association Terre-d'Artois » and « terre d’artois » give the same value.
    """
    decomposed = unicodedata.normalize("NFKD", str(name or "").casefold())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    words = re.sub(r"[^\w]+", " ", plain.replace("œ", "oe").replace("æ", "ae")).split()
    significant = [word for word in words if word not in _LEGAL_FORMS]
    return " ".join(significant or words)


@dataclass(frozen=True)
class FileFacts:
    """What matters about a file for conflicts: its holder and its communes ({pk: name})."""

    holder_name: str = ""
    communes: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ReviewerFacts:
    """What matters about a reviewer: organisations and mandate communes ({pk: name})."""

    organisations: tuple = ()
    mandate_communes: dict = field(default_factory=dict)


def conflict_reasons(file, reviewer):
    """Why this reviewer may not review this file, as sentences for staff; [] if they may."""
    reasons = []
    holder = normalise_organisation(file.holder_name)
    if holder and any(normalise_organisation(org) == holder for org in reviewer.organisations):
        reasons.append(
            _("conflit d'organisation : membre de %(holder)s") % {"holder": file.holder_name}
        )
    shared = set(file.communes) & set(reviewer.mandate_communes)
    for name in sorted(file.communes[pk] for pk in shared):
        reasons.append(_("conflit territorial : élu à %(commune)s") % {"commune": name})
    return reasons


# --- The facts of conflicts, read from the database ---------------------------------------


def reviewer_facts(reviewers):
    """{reviewer pk: ReviewerFacts} for conflict checks (two queries)."""
    reviewers = list(reviewers)
    profiles = {
        profile.user_id: profile
        for profile in ReviewerProfile.objects.filter(user__in=reviewers).prefetch_related(
            "mandate_communes"
        )
    }
    facts = {}
    for reviewer in reviewers:
        profile = profiles.get(reviewer.pk)
        organisations = tuple(
            name for name in (reviewer.organisation, profile and profile.organisation) if name
        )
        mandates = (
            {commune.pk: commune.name for commune in profile.mandate_communes.all()}
            if profile
            else {}
        )
        facts[reviewer.pk] = ReviewerFacts(organisations=organisations, mandate_communes=mandates)
    return facts


def file_facts(applications):
    """{application pk: FileFacts}; uses prefetched communes when the caller has them."""
    return {
        application.pk: FileFacts(
            holder_name=application.holder_name,
            communes={commune.pk: commune.name for commune in application.communes.all()},
        )
        for application in applications
    }


def conflict_map(applications, reviewers):
    """{(application pk, reviewer pk): [reasons]} for every pair that may not be assigned.

    Covers the holder's organisation and mandate communes (before any assignment) and the
    conflicts reviewers declared on an assignment. Applications should come with their
    communes prefetched.
    """
    applications = list(applications)
    reviewers = list(reviewers)
    files = file_facts(applications)
    people = reviewer_facts(reviewers)
    conflicts = {}
    for application_pk, facts in files.items():
        for reviewer_pk, reviewer in people.items():
            reasons = conflict_reasons(facts, reviewer)
            if reasons:
                conflicts[(application_pk, reviewer_pk)] = reasons
    declared = Assignment.objects.filter(
        application__in=applications, conflict_declared_at__isnull=False
    ).values_list("application_id", "reviewer_id", "conflict_reason")
    for application_pk, reviewer_pk, reason in declared:
        conflicts.setdefault((application_pk, reviewer_pk), []).append(_declared_reason(reason))
    return conflicts


def _declared_reason(reason):
    return _("conflit déclaré : %(reason)s") % {"reason": reason}
