"""Writes of the criteria grid. The moves of a review itself (draft, submit, reopen) are in
reviews/workflow.py."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from label.models import Wave
from reviews.models import Criterion
from reviews.rules import require_perm
from reviews.scoring import selectors


@transaction.atomic
def criteria_grid_update(*, wave, by, rows, deleted=()):
    """Save the edited grid of a wave: changed and new criteria, and those removed.

    `rows` are dicts of criterion fields, with "id" for an existing criterion; `deleted`
    holds the ids to remove. Refused once a review of the wave has been submitted: the
    scores already given refer to the grid as it was. Effects: the wave row is locked (so
    that no review is submitted meanwhile), the lock is checked, then rows are written.
    """
    require_perm("reviews.manage_reviews", by)
    Wave.objects.select_for_update().get(pk=wave.pk)
    if selectors.criteria_grid_is_locked(wave):
        raise ValidationError(
            _(
                "La grille est verrouillée : une évaluation de cette vague a déjà été remise, "
                "et ses notes se rapportent à la grille actuelle."
            )
        )
    existing = {criterion.pk: criterion for criterion in Criterion.objects.filter(wave=wave)}
    deleted = {int(pk) for pk in deleted if int(pk) in existing}
    Criterion.objects.filter(pk__in=deleted).delete()
    codes = set()
    saved = []
    for row in rows:
        row = dict(row)
        pk = row.pop("id", None)
        if pk in deleted:
            continue
        criterion = existing.get(pk) if pk else Criterion(wave=wave)
        if criterion is None:
            raise ValidationError(_("Ce critère n'appartient pas à la grille de cette vague."))
        for name, value in row.items():
            setattr(criterion, name, value)
        if criterion.code in codes:
            raise ValidationError(
                _("Le code %(code)s est utilisé deux fois.") % {"code": criterion.code}
            )
        codes.add(criterion.code)
        criterion.full_clean(exclude=["wave"], validate_unique=False, validate_constraints=False)
        saved.append(criterion)
    # Codes may be swapped between rows: clear them first so the unique constraint holds.
    for criterion in saved:
        if criterion.pk:
            Criterion.objects.filter(pk=criterion.pk).update(code=f"~{criterion.pk}")
    for criterion in saved:
        criterion.save()
    if not Criterion.objects.filter(wave=wave).exists():
        raise ValidationError(_("La grille doit garder au moins un critère."))
    return saved
