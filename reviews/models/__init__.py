"""Models of the reviews app: committees, reviewer profiles, assignments, reviews and scores,
and the jury's sessions, recusals and decisions."""

from reviews.models.assignments import Assignment
from reviews.models.committees import Committee, ReviewerProfile
from reviews.models.jury import JuryDecision, JurySession, Recusal
from reviews.models.reviews import Review, Score

__all__ = [
    "Assignment",
    "Committee",
    "JuryDecision",
    "JurySession",
    "Recusal",
    "Review",
    "ReviewerProfile",
    "Score",
]
