"""Validators of uploaded pictures, shared by every app that takes one (the wave's signature,
the catalogue's images)."""

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
