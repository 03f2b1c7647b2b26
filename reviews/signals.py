"""Signals of the jury's outcomes, for the apps above reviews (certificates, catalogue).

Both are sent inside the transaction of the move, so a receiver's writes commit or roll back
with it; receivers schedule outside effects with ``transaction.on_commit``.
"""

from django.dispatch import Signal

# A file was announced labelled (Catégorie 1 or Label Espoirs): ``application``, ``by``.
project_labelled = Signal()

# A project's label was withdrawn: ``application``, ``by``.
label_revoked = Signal()
