"""Validators of files the instruction team uploads on floor models (a wave's signature)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

SIGNATURE_MAX_BYTES = 2 * 1024 * 1024
SIGNATURE_MAX_PIXELS = 16_000_000
SIGNATURE_FORMATS = {"PNG", "JPEG"}


def validate_signature_image(upload):
    """Refuse a signature that is not a real PNG or JPEG picture of reasonable size.

    The same checks as the catalogue's pictures (real format read from the bytes, size and
    pixel caps against decompression bombs), kept here because the floor app imports no
    higher one.
    """
    if upload.size is not None and upload.size > SIGNATURE_MAX_BYTES:
        raise ValidationError(_("L'image de la signature dépasse 2 Mo."))
    position = upload.tell() if hasattr(upload, "tell") else None
    try:
        upload.seek(0)
        with Image.open(upload) as picture:
            if picture.format not in SIGNATURE_FORMATS:
                raise ValidationError(_("Seules les images PNG ou JPEG sont acceptées."))
            width, height = picture.size
            if width * height > SIGNATURE_MAX_PIXELS:
                raise ValidationError(_("L'image est trop grande (16 mégapixels au plus)."))
            picture.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ValidationError(_("Le fichier n'est pas une image valide.")) from exc
    finally:
        if position is not None:
            upload.seek(position)
