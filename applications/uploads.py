"""Checks of an uploaded document before it is stored: size, real type, antivirus, hash.

Used by the dossier's attachments and by the message thread. The type is recognised from
the content (``filetype``), never from the name or the browser's claim, so an executable
renamed ``.pdf`` is refused. Office documents are ZIP archives: they are told apart by looking
inside the archive (``[Content_Types].xml`` with ``word/`` or ``xl/`` for OOXML, the
``mimetype`` entry for OpenDocument) without extracting anything.
"""

import hashlib
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from applications.scanning import ScannerUnavailable, scan_file

# Accepted types: the extension we store under, and the content type we serve with.
ACCEPTED_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# Extensions a user may give to a file of each type (anything else gets the right one added).
EXTENSION_ALIASES = {"jpg": {"jpg", "jpeg"}}
# For the file picker only (a hint to the browser, never trusted).
ACCEPT_ATTRIBUTE = ".pdf,.png,.jpg,.jpeg,.odt,.docx,.ods,.xlsx"
ACCEPTED_FORMATS_LABEL = "PDF, PNG, JPEG, ODT, DOCX, ODS, XLSX"

_ODF_TYPES = {ACCEPTED_TYPES["odt"]: "odt", ACCEPTED_TYPES["ods"]: "ods"}
# Programs and installers, as filetype names them: refused with a message that says so.
_EXECUTABLE_EXTENSIONS = {"exe", "elf", "swf", "wasm", "deb", "rpm", "cab", "crx"}
# Macros run code: documents that carry them are refused even in an accepted format.
_MACRO_MARKERS = ("vbaProject.bin", "Basic/", "Scripts/")
_SNIFF_LENGTH = 8192
_CHUNK_SIZE = 64 * 1024
DISPLAY_NAME_MAX_LENGTH = 150


@dataclass(frozen=True)
class CheckedUpload:
    """What the checks learnt about an accepted upload."""

    extension: str
    content_type: str
    size: int
    sha256: str
    display_name: str


def _size_label(size):
    return filesizeformat(size)


def _refuse(message, code):
    raise ValidationError(message, code=code)


def detect_type(fileobj):
    """The extension of an accepted type recognised from the content, or None.

    Raises ValidationError for an executable or a document with macros, so the message
    says what was found rather than "unknown type".
    """
    fileobj.seek(0)
    head = fileobj.read(_SNIFF_LENGTH)
    fileobj.seek(0)
    if head.startswith(b"PK\x03\x04"):
        return _detect_zipped_document(fileobj)
    guessed = filetype.guess(head)
    if guessed is None:
        return None
    if guessed.extension in _EXECUTABLE_EXTENSIONS:
        _refuse(
            _(
                "Ce fichier est un programme exécutable, pas un document : il est refusé, "
                "quel que soit son nom."
            ),
            "executable",
        )
    return guessed.extension if guessed.extension in ("pdf", "png", "jpg") else None


def _detect_zipped_document(fileobj):
    """Tell DOCX, XLSX, ODT and ODS apart by the entries of the archive (nothing extracted)."""
    try:
        with zipfile.ZipFile(fileobj) as archive:
            names = archive.namelist()
            if any(marker in name for name in names for marker in _MACRO_MARKERS):
                _refuse(_("Les documents contenant des macros ne sont pas acceptés."), "macros")
            if "mimetype" in names:
                entry = archive.getinfo("mimetype")
                if entry.file_size > 100:
                    return None
                declared = archive.read(entry).decode("ascii", "replace").strip()
                return _ODF_TYPES.get(declared)
            if "[Content_Types].xml" in names:
                if any(name.startswith("word/") for name in names):
                    return "docx"
                if any(name.startswith("xl/") for name in names):
                    return "xlsx"
            return None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError):
        return None
    finally:
        fileobj.seek(0)


def display_name(original_name, extension):
    """A clean name to show and download under: no path, no control characters, right suffix."""
    name = PurePath(str(original_name or "").replace("\\", "/")).name
    name = "".join(char for char in name if unicodedata.category(char)[0] != "C").strip(" .")
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    if suffix.lower() not in EXTENSION_ALIASES.get(extension, {extension}):
        stem = name
        suffix = extension
    stem = (stem or _("document"))[: DISPLAY_NAME_MAX_LENGTH - len(suffix) - 1]
    return f"{stem}.{suffix}"


def sha256_of(fileobj):
    """The SHA-256 of a file's content, in hexadecimal; the file is left rewound."""
    digest = hashlib.sha256()
    fileobj.seek(0)
    while chunk := fileobj.read(_CHUNK_SIZE):
        digest.update(chunk)
    fileobj.seek(0)
    return digest.hexdigest()


def check_total(size, already_stored):
    """Refuse a file that would take an application past its total allowance."""
    limit = settings.APPLICATION_ATTACHMENTS_MAX_TOTAL
    if already_stored + size > limit:
        _refuse(
            _(
                "Ce fichier (%(size)s) dépasse la place restante pour les pièces de cette "
                "candidature : %(left)s sur %(limit)s au total. Supprimez une pièce ou "
                "réduisez la taille du fichier."
            )
            % {
                "size": _size_label(size),
                "left": _size_label(max(limit - already_stored, 0)),
                "limit": _size_label(limit),
            },
            "total_size",
        )


def check_upload(upload, *, already_stored=0):
    """Check an uploaded file; return a CheckedUpload or raise ValidationError (in French).

    In order: not empty; at most ATTACHMENT_MAX_SIZE; within the application's remaining
    allowance (``already_stored`` bytes are used); an accepted type recognised from the
    content; clean for the antivirus when one is configured. The SHA-256 is computed here.
    """
    size = upload.size
    if not size:
        _refuse(_("Le fichier est vide."), "empty")
    limit = settings.ATTACHMENT_MAX_SIZE
    if size > limit:
        _refuse(
            _("Le fichier pèse %(size)s : la limite est de %(limit)s par fichier.")
            % {"size": _size_label(size), "limit": _size_label(limit)},
            "file_size",
        )
    check_total(size, already_stored)
    extension = detect_type(upload)
    if extension is None:
        _refuse(
            _(
                "Le type de ce fichier n'est pas accepté. Formats acceptés : %(formats)s. "
                "Le type est reconnu d'après le contenu du fichier, pas d'après son nom."
            )
            % {"formats": ACCEPTED_FORMATS_LABEL},
            "file_type",
        )
    try:
        verdict = scan_file(upload)
    except ScannerUnavailable:
        _refuse(
            _(
                "L'analyse antivirus est momentanément indisponible : le fichier n'a pas été "
                "enregistré. Réessayez dans quelques minutes."
            ),
            "scanner_unavailable",
        )
    if not verdict.clean:
        _refuse(
            _("L'analyse antivirus a détecté un contenu malveillant : le fichier est refusé."),
            "infected",
        )
    return CheckedUpload(
        extension=extension,
        content_type=ACCEPTED_TYPES[extension],
        size=size,
        sha256=sha256_of(upload),
        display_name=display_name(getattr(upload, "name", ""), extension),
    )
