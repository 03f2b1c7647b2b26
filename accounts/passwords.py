"""A password validator after the CNIL's recommendation on passwords (délibération 2022-100).

The portal is in the CNIL's « case 2 »: a password with a restriction of access after
failures (django-axes locks an address and e-mail for 30 minutes after 5 failures), which
asks for at least 50 bits of entropy. With the 12-character minimum of Django's validator,
any varied password passes; this validator refuses those whose estimated entropy stays
under the threshold (12 digits: 40 bits) or that repeat a few characters
(« aaaaaaaaaaaa », « abcabcabcabc »). Staff and jury add a second factor (label/otp.py).
"""

import math
import string

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Sizes of the character classes an attacker must try, as the CNIL counts them.
_CLASSES = (
    (string.ascii_lowercase, 26),
    (string.ascii_uppercase, 26),
    (string.digits, 10),
    (string.punctuation + " ", 33),
)
_OTHER_CLASS_SIZE = 60  # accented letters and other characters


def password_entropy_bits(password):
    """The CNIL's estimate: length × log2(size of the classes the password draws from)."""
    pool = 0
    for characters, size in _CLASSES:
        if any(char in characters for char in password):
            pool += size
    if any(not any(char in chars for chars, _size in _CLASSES) for char in password):
        pool += _OTHER_CLASS_SIZE
    return len(password) * math.log2(pool) if pool else 0.0


class CnilEntropyValidator:
    """At least `min_bits` of estimated entropy and `min_distinct` different characters."""

    def __init__(self, min_bits=50, min_distinct=6):
        self.min_bits = min_bits
        self.min_distinct = min_distinct

    def validate(self, password, user=None):
        if len(set(password)) < self.min_distinct:
            raise ValidationError(
                _(
                    "Ce mot de passe répète trop peu de caractères différents : utilisez au "
                    "moins %(count)d caractères distincts."
                )
                % {"count": self.min_distinct},
                code="password_too_repetitive",
            )
        if password_entropy_bits(password) < self.min_bits:
            raise ValidationError(
                _(
                    "Ce mot de passe est trop prévisible : allongez-le ou mêlez lettres, "
                    "chiffres et signes."
                ),
                code="password_low_entropy",
            )

    def get_help_text(self):
        return _(
            "Votre mot de passe doit être varié : pas une suite de chiffres ou de répétitions."
        )
