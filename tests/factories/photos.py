"""Project photos for the tests: an upload made by Pillow, a proposal by the holder."""

from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from catalogue.photos import photo_propose

# A refusal's reason, as staff would write it.
REFUSAL_REASON = "La photo montre des personnes reconnaissables : merci d'en envoyer une autre."


def photo_upload(size=(1600, 1000), image_format="JPEG", exif=None, colour=(40, 120, 200)):
    """A JPEG (or `image_format`) upload of one colour, as a browser would send it."""
    buffer = BytesIO()
    kwargs = {"exif": exif} if exif is not None else {}
    Image.new("RGB", size, colour).save(buffer, format=image_format, **kwargs)
    return SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg")


def proposed(entry, holder, **kwargs):
    """A photo of `entry` proposed by `holder`, with its alt text, credit and consent."""
    return photo_propose(
        entry=entry,
        by=holder,
        upload=kwargs.get("upload") or photo_upload(),
        alt=kwargs.get("alt", "Le jardin au printemps"),
        credit=kwargs.get("credit", "© Camille Martin"),
        consent=True,
    )
