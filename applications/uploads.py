"""Checks of an uploaded document before it is stored: size, real type, antivirus, hash.

Used by the dossier's attachments and by the message thread. The type is recognised from
the content (``filetype``), never from the name or the browser's claim, so an executable
renamed ``.pdf`` is refused. Office documents are ZIP archives: they are told apart by looking
inside the archive (``[Content_Types].xml`` with ``word/`` or ``xl/`` for OOXML, the
``mimetype`` entry for OpenDocument) without extracting anything to disk.

Accepted formats can still carry active or remote content; these are refused: a PDF with
JavaScript or a launch action (names read through their ``#xx`` escapes and inside object
streams), an office document with macros whatever the case of the entry's name, an OOXML
document whose relationships fetch something remote (a template, a frame, an OLE object), and
an archive that inflates past a bound (members counted, each inflated as a stream with a
running total that stops at the limit, the compression ratio checked).
"""

import hashlib
import re
import unicodedata
import zipfile
import zlib
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
# Macros run code: documents that carry them are refused even in an accepted format. Office
# opens entry names whatever their case, so the markers are compared in lower case.
_MACRO_MARKERS = ("vbaproject.bin", "basic/", "scripts/")
# Archive bounds: a real dossier document holds a few hundred entries and inflates to a few
# tens of megabytes at most; an XML entry compresses about 10 to 30 times.
ZIP_MAX_MEMBERS = 2000
ZIP_MAX_INFLATED = 100 * 1024 * 1024
ZIP_MAX_RATIO = 200
# Relationship parts are a few kilobytes; read no more of one than this.
_RELS_MAX_READ = 1024 * 1024
# A relationship to outside the package is harmless only for a hyperlink.
_EXTERNAL_ALLOWED_TYPES = ("/hyperlink",)
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\b([^>]*)>", re.IGNORECASE)
_ATTRIBUTE = re.compile(rb"""([\w:]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
# PDF names that run code or programs (ISO 32000: JavaScript actions, launch actions). Every
# JavaScript action is ``/S /JavaScript``; ``/JS`` is short enough to occur by chance in
# compressed image data, so it is looked for only outside stream bodies.
_PDF_ACTION_NAMES = re.compile(rb"/(?:JavaScript|Launch)(?=[\s/<>\[\]()%{}]|$)")
_PDF_ACTIVE_NAMES = re.compile(rb"/(?:JS|JavaScript|Launch)(?=[\s/<>\[\]()%{}]|$)")
_PDF_STREAM_BODY = re.compile(rb"stream\r?\n.*?endstream", re.DOTALL)
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_OBJECT_STREAM = re.compile(rb"/Type\s*/ObjStm\b[^>]*>>\s*stream\r?\n", re.DOTALL)
_PDF_OBJECT_STREAMS_MAX_INFLATED = 32 * 1024 * 1024
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
    if guessed.extension == "pdf":
        _check_pdf_is_inert(fileobj)
    if guessed.extension in _EXECUTABLE_EXTENSIONS:
        _refuse(
            _(
                "Ce fichier est un programme exécutable, pas un document : il est refusé, "
                "quel que soit son nom."
            ),
            "executable",
        )
    return guessed.extension if guessed.extension in ("pdf", "png", "jpg") else None


def _refuse_active_pdf():
    _refuse(
        _(
            "Ce PDF contient du JavaScript ou une commande qui lance un programme : il est "
            "refusé. Enregistrez-le à nouveau en PDF simple (par exemple « Imprimer en PDF »)."
        ),
        "pdf_active_content",
    )


def _check_pdf_is_inert(fileobj):
    """Refuse a PDF that carries JavaScript or a launch action, wherever it hides.

    A name may be written with ``#xx`` escapes (``/J#61vaScript``), and objects may sit in
    compressed object streams: both are read, the streams inflated up to a bound. Whether the
    action hangs on /OpenAction, an /AA trigger, a link or a form field, the document has no
    need of it.
    """
    fileobj.seek(0)
    raw = fileobj.read()
    fileobj.seek(0)
    if _PDF_ACTION_NAMES.search(_pdf_unescape_names(raw)):
        _refuse_active_pdf()
    if _PDF_ACTIVE_NAMES.search(_pdf_unescape_names(_PDF_STREAM_BODY.sub(b"", raw))):
        _refuse_active_pdf()
    budget = _PDF_OBJECT_STREAMS_MAX_INFLATED
    for match in _PDF_OBJECT_STREAM.finditer(raw):
        inflater = zlib.decompressobj()
        try:
            inflated = inflater.decompress(raw[match.end() :], budget)
        except zlib.error:
            continue
        budget -= len(inflated)
        if _PDF_ACTIVE_NAMES.search(_pdf_unescape_names(inflated)):
            _refuse_active_pdf()
        if budget <= 0:
            # Object streams that inflate this far are no document of a dossier.
            _refuse_oversized_archive()


def _pdf_unescape_names(data):
    return _PDF_NAME_ESCAPE.sub(lambda match: bytes([int(match[1], 16)]), data)


def _refuse_oversized_archive():
    _refuse(
        _(
            "Ce fichier se décompresse en un volume anormalement grand : il est refusé. "
            "Enregistrez le document à nouveau depuis votre logiciel."
        ),
        "archive_too_large",
    )


def _check_archive_is_bounded(archive):
    """Refuse an archive with too many members, an abnormal ratio, or that inflates too far.

    The sizes an archive declares can lie, so each member is inflated as a stream with a
    running total: nothing past ZIP_MAX_INFLATED bytes is ever inflated, and nothing is kept.
    """
    members = archive.infolist()
    if len(members) > ZIP_MAX_MEMBERS:
        _refuse_oversized_archive()
    if sum(member.file_size for member in members) > ZIP_MAX_INFLATED:
        _refuse_oversized_archive()
    for member in members:
        if member.file_size > ZIP_MAX_RATIO * max(member.compress_size, 1) + _CHUNK_SIZE:
            _refuse_oversized_archive()
    inflated = 0
    for member in members:
        compressed = max(member.compress_size, 1)
        member_inflated = 0
        with archive.open(member) as stream:
            while chunk := stream.read(_CHUNK_SIZE):
                inflated += len(chunk)
                member_inflated += len(chunk)
                if inflated > ZIP_MAX_INFLATED:
                    _refuse_oversized_archive()
                if member_inflated > ZIP_MAX_RATIO * compressed + _CHUNK_SIZE:
                    _refuse_oversized_archive()


def _check_no_remote_relationship(archive, names):
    """Refuse an OOXML document whose relationships fetch something from outside it.

    A remote template (``attachedTemplate`` with ``TargetMode="External"`` in
    ``word/_rels/settings.xml.rels``) is fetched, and may run, when the document is opened;
    so are external frames and OLE objects. Hyperlinks only open when clicked: they stay.
    """
    for name in names:
        if not name.lower().endswith(".rels"):
            continue
        with archive.open(name) as stream:
            content = stream.read(_RELS_MAX_READ)
        for element in _RELATIONSHIP.finditer(content):
            attributes = {
                key.split(b":")[-1].lower(): (double or single)
                for key, double, single in _ATTRIBUTE.findall(element[1])
            }
            if attributes.get(b"targetmode", b"").strip().lower() != b"external":
                continue
            kind = attributes.get(b"type", b"").decode("ascii", "replace").lower()
            if not kind.endswith(_EXTERNAL_ALLOWED_TYPES):
                _refuse(
                    _(
                        "Ce document va chercher un modèle ou un contenu sur Internet à "
                        "l'ouverture : il est refusé. Enregistrez-le à nouveau sans modèle "
                        "attaché (par exemple en l'exportant en PDF)."
                    ),
                    "remote_content",
                )


def _detect_zipped_document(fileobj):
    """Tell DOCX, XLSX, ODT and ODS apart by the entries of the archive, after refusing
    macros, remote relationships and archives that inflate past the bounds."""
    try:
        with zipfile.ZipFile(fileobj) as archive:
            names = archive.namelist()
            lowered = [name.lower() for name in names]
            if any(marker in name for name in lowered for marker in _MACRO_MARKERS):
                _refuse(_("Les documents contenant des macros ne sont pas acceptés."), "macros")
            _check_archive_is_bounded(archive)
            if "mimetype" in names:
                entry = archive.getinfo("mimetype")
                if entry.file_size > 100:
                    return None
                declared = archive.read(entry).decode("ascii", "replace").strip()
                return _ODF_TYPES.get(declared)
            if "[Content_Types].xml" in names:
                _check_no_remote_relationship(archive, names)
                if any(name.startswith("word/") for name in names):
                    return "docx"
                if any(name.startswith("xl/") for name in names):
                    return "xlsx"
            return None
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        EOFError,
        OSError,
        ValueError,
        zlib.error,
        RuntimeError,  # an encrypted member
        NotImplementedError,  # a compression method Python does not read
    ):
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
