"""Signals callforms sends to the apps above it (which it never imports)."""

from django.dispatch import Signal

# Sent after a question was deleted from a wave's form (before the form was locked), with
# ``wave`` and ``key``: the applications app drops that answer from the wave's drafts.
question_deleted = Signal()
