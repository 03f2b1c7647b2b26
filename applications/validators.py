"""Field validators of the dossier."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def luhn_is_valid(digits):
    """True if a string of digits passes the Luhn checksum (used by SIREN/SIRET numbers)."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def validate_siret(value):
    """A SIRET is 14 digits with a valid Luhn key (La Poste's establishments excepted)."""
    compact = value.replace(" ", "")
    if not compact.isdigit() or len(compact) != 14:
        raise ValidationError(_("Le SIRET doit comporter exactement 14 chiffres."), code="format")
    # La Poste's establishments (SIREN 356000000) use a sum of digits divisible by 5 instead.
    if compact.startswith("356000000"):
        if sum(int(char) for char in compact) % 5 != 0:
            raise ValidationError(_("Ce numéro SIRET n'est pas valide."), code="checksum")
        return
    if not luhn_is_valid(compact):
        raise ValidationError(
            _("Ce numéro SIRET n'est pas valide (clé de contrôle incorrecte)."), code="checksum"
        )
