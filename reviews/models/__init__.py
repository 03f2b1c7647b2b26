"""Models of the reviews app: the criteria grid, committees, reviewer profiles, assignments,
reviews and scores, and the jury's sessions, recusals and decisions."""

from reviews.models.assignments import Assignment
from reviews.models.committees import Committee, ReviewerProfile
from reviews.models.criteria import Criterion, CriterionGroup
from reviews.models.jury import JuryDecision, JuryMember, JurySession, Recusal
from reviews.models.reviews import Review, Score
from reviews.models.sessions import (
    AdvisoryOpinion,
    AdvisoryPanel,
    Attendance,
    SessionItem,
    SessionVote,
)

__all__ = [
    "AdvisoryOpinion",
    "AdvisoryPanel",
    "Assignment",
    "Attendance",
    "Committee",
    "Criterion",
    "CriterionGroup",
    "JuryDecision",
    "JuryMember",
    "JurySession",
    "Recusal",
    "Review",
    "ReviewerProfile",
    "Score",
    "SessionItem",
    "SessionVote",
]
