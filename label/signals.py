"""Signals the floor offers to the apps above it, so that it never imports them."""

from django.dispatch import Signal

# Sent inside the transaction that creates a wave, with ``wave`` and ``copy_from`` (the wave
# it starts from, or None): the reviews app gives it its criteria grid.
wave_created = Signal()
