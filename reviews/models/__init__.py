"""Models of the reviews app: committees, reviewer profiles, assignments, reviews and scores."""

from reviews.models.assignments import Assignment
from reviews.models.committees import Committee, ReviewerProfile
from reviews.models.reviews import Review, Score

__all__ = ["Assignment", "Committee", "Review", "ReviewerProfile", "Score"]
