"""The published picture of a catalogue entry, in the sizes and formats its pages need.

One code path for both sources of a picture: the image staff upload in the admin and the
photo a holder proposes and staff approve (catalogue/photos.py). Either is re-encoded by
Pillow (which drops EXIF data) into three sizes, each as WebP and as a JPEG fallback:

- ``card``: the 3:2 crop of the catalogue's cards (480 × 320);
- ``page``: the whole picture on the project page, at most 1200 × 800;
- ``social``: the 1.91:1 crop of link previews (og:image, 1200 × 630).

What was rendered is described in the entry's ``picture`` column (a JSON dict, read with
the entry's row: a list of cards costs no extra query)::

    {"version": "3f9a0c1b2d4e", "source": "image" | "photo", "photo": <pk or null>,
     "alt": "...", "credit": "© ...",
     "variants": {"card": {"width": 480, "height": 320,
                           "jpeg": "<storage name>", "webp": "<storage name>"}, ...}}

``version`` is a digest of the source's bytes: it is in every file name and in the URLs'
query string, so browsers may keep a picture for long and still see a new one at once.
"""

import hashlib
from contextlib import contextmanager
from dataclasses import dataclass
from io import BytesIO
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from PIL import Image, ImageOps

# (box, crop): a crop fills the box exactly; otherwise the picture fits inside it, never
# enlarged.
PICTURE_SIZES = {
    "card": ((480, 320), True),
    "page": ((1200, 800), False),
    "social": ((1200, 630), True),
}
PICTURE_FORMATS = ("webp", "jpeg")
# The variant names in public URLs (/projets/<slug>/image/<name>.jpg|.webp); "vignette" and
# "grande" are the names published before the variants existed (open data, feeds).
PICTURE_URL_NAMES = {"card": "vignette", "page": "grande", "social": "partage"}
PICTURE_SIZE_OF_URL_NAME = {name: size for size, name in PICTURE_URL_NAMES.items()}
JPEG_QUALITY = 82
WEBP_QUALITY = 80
PICTURE_ROOT = "catalogue/images"


def picture_flatten(picture):
    """An RGB copy of the picture, transparent parts on white (JPEG has no transparency)."""
    if picture.mode in ("RGBA", "LA") or (picture.mode == "P" and "transparency" in picture.info):
        picture = picture.convert("RGBA")
        background = Image.new("RGB", picture.size, (255, 255, 255))
        background.paste(picture, mask=picture.getchannel("A"))
        return background
    return picture.convert("RGB")


def _encode(picture, fmt):
    buffer = BytesIO()
    if fmt == "jpeg":
        picture.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    else:
        picture.save(buffer, format="WEBP", quality=WEBP_QUALITY, method=4)
    return buffer.getvalue()


@contextmanager
def picture_source_open(source):
    """The picture file ready to read, closed afterwards if it was opened here.

    A stored image (the entry's ``image`` once saved) is a FieldFile that opens its file on
    first read and never closes it: it is opened and closed here. A file already open — an
    upload not yet saved, which the model's save still has to write, or a file the caller
    opened in a ``with`` — is read as it is and left open for its owner.
    """
    if getattr(source, "closed", False):
        with source.open("rb") as opened:
            yield opened
    else:
        yield source


def source_version(source):
    """A short digest of a picture file's bytes: the version in file names and URLs."""
    source.seek(0)
    digest = hashlib.sha256()
    for chunk in iter(lambda: source.read(1024 * 1024), b""):
        digest.update(chunk)
    source.seek(0)
    return digest.hexdigest()[:12]


def picture_render(source):
    """Render every size of a picture file: {size: {"width", "height", "webp", "jpeg"}}.

    The values of "webp" and "jpeg" are the encoded bytes. The picture is turned upright
    from its EXIF orientation first; nothing of the EXIF data is kept.
    """
    source.seek(0)
    rendered = {}
    with Image.open(source) as original:
        upright = picture_flatten(ImageOps.exif_transpose(original))
    for size, (box, crop) in PICTURE_SIZES.items():
        if crop:
            picture = ImageOps.fit(upright, box, method=Image.Resampling.LANCZOS)
        else:
            picture = upright.copy()
            picture.thumbnail(box, Image.Resampling.LANCZOS)
        rendered[size] = {
            "width": picture.width,
            "height": picture.height,
            **{fmt: _encode(picture, fmt) for fmt in PICTURE_FORMATS},
        }
    return rendered


def picture_store(source, *, folder, source_kind, alt="", credit="", photo_id=None):
    """Render a picture file and store its variants; return the ``picture`` dict describing them.

    ``folder`` is the entry's own folder under catalogue/images/ (its slug).
    """
    with picture_source_open(source) as readable:
        version = source_version(readable)
        renderings = picture_render(readable)
    variants = {}
    for size, rendered in renderings.items():
        variant = {"width": rendered["width"], "height": rendered["height"]}
        for fmt in PICTURE_FORMATS:
            extension = "jpg" if fmt == "jpeg" else fmt
            name = f"{PICTURE_ROOT}/{folder}/{version}-{size}.{extension}"
            variant[fmt] = default_storage.save(name, ContentFile(rendered[fmt]))
        variants[size] = variant
    return {
        "version": version,
        "source": source_kind,
        "photo": photo_id,
        "alt": alt,
        "credit": credit,
        "variants": variants,
    }


def picture_file_names(picture):
    """Every stored file name of a ``picture`` dict."""
    names = []
    for variant in (picture or {}).get("variants", {}).values():
        names.extend(variant[fmt] for fmt in PICTURE_FORMATS if variant.get(fmt))
    return names


def picture_discard(picture, *, keep=None):
    """Delete the files of a replaced picture once the transaction commits.

    After the commit, so that a rolled-back change still finds the files it points to;
    names also in ``keep`` (the new picture, when its source was the same) are left.
    """
    kept = set(picture_file_names(keep))
    names = [name for name in picture_file_names(picture) if name not in kept]
    if not names:
        return

    def delete():
        for name in names:
            default_storage.delete(name)

    transaction.on_commit(delete)


@dataclass(frozen=True)
class PictureVariant:
    """One size of an entry's published picture, as the templates and the booklet read it."""

    size: str
    width: int
    height: int
    jpeg_url: str
    webp_url: str
    jpeg_name: str
    alt: str
    credit: str


def picture_variant(entry, size):
    """The variant ``size`` of an entry's published picture, or None when it has none."""
    picture = entry.picture or {}
    variant = picture.get("variants", {}).get(size)
    if not variant or not entry.slug:
        return None
    version = picture.get("version") or PurePosixPath(variant["jpeg"]).stem
    urls = {}
    for fmt, route in (("jpeg", "catalogue:image"), ("webp", "catalogue:image_webp")):
        path = reverse(route, kwargs={"slug": entry.slug, "variant": PICTURE_URL_NAMES[size]})
        urls[fmt] = f"{path}?v={version}"
    alt = entry.image_alt if picture.get("source") == "image" else picture.get("alt", "")
    return PictureVariant(
        size=size,
        width=variant["width"],
        height=variant["height"],
        jpeg_url=urls["jpeg"],
        webp_url=urls["webp"],
        jpeg_name=variant["jpeg"],
        alt=alt or "",
        credit=picture.get("credit", "") or "",
    )
