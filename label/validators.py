"""Validators shared by every app: uploaded pictures (the wave's signature, the catalogue's
images) and the SIRET number (the dossier's holder, the SIRET questions of a call's form)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

SIGNATURE_MAX_BYTES = 2 * 1024 * 1024
SIGNATURE_MAX_PIXELS = 16_000_000
SIGNATURE_FORMATS = {"PNG", "JPEG"}


def validate_picture(upload, *, max_bytes, max_pixels, formats, formats_message):
    """Refuse a file that is not a real picture of one of `formats`, of reasonable size.

    The format is read from the bytes, not the name; the byte and pixel caps stop
    decompression bombs before Pillow decodes anything. The upload's position is restored.
    """
    if upload.size is not None and upload.size > max_bytes:
        raise ValidationError(
            _("L'image dépasse %(max)s Mo."), params={"max": max_bytes // (1024 * 1024)}
        )
    position = upload.tell() if hasattr(upload, "tell") else None
    try:
        upload.seek(0)
        with Image.open(upload) as picture:
            if picture.format not in formats:
                raise ValidationError(formats_message)
            width, height = picture.size
            if width * height > max_pixels:
                raise ValidationError(
                    _("L'image est trop grande (%(max)s mégapixels au plus)."),
                    params={"max": max_pixels // 1_000_000},
                )
            picture.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ValidationError(_("Le fichier n'est pas une image valide.")) from exc
    finally:
        if position is not None:
            upload.seek(position)


def validate_signature_image(upload):
    """Refuse a signature that is not a real PNG or JPEG picture of reasonable size."""
    validate_picture(
        upload,
        max_bytes=SIGNATURE_MAX_BYTES,
        max_pixels=SIGNATURE_MAX_PIXELS,
        formats=SIGNATURE_FORMATS,
        formats_message=_("Seules les images PNG ou JPEG sont acceptées."),
    )


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
