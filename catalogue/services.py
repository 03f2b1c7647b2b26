"""Import of the catalogue of labelled projects from its CSV format, and its open-data schema.

The file format is the one of ``label/data/labelled_projects.csv`` (documented in
``/donnees/``): one project a row, multi-valued cells separated by ``;``. An import is all or
nothing: every row is checked first, and one invalid row means nothing is written.
"""

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_slug
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.answers import public_text
from catalogue.models import RESERVED_SLUGS, CatalogueEntry, CatalogueEntryTheme
from label.dates import PARIS
from label.enums import Agglomeration, Award, HolderType, Theme
from label.models import Commune
from label.text import search_normalise

CATALOGUE_CSV = Path(__file__).resolve().parent / "data" / "labelled_projects.csv"
REQUIRED_COLUMNS = (
    "name",
    "year",
    "wave",
    "award",
    "epci",
    "communes_insee",
    "holder",
    "holder_type",
    "themes",
    "summary",
    "source_url",
)
# Columns an administrator may add to the official file; absent, they are left untouched.
OPTIONAL_COLUMNS = ("slug", "description", "website")
# The label exists since 2012; older or far-future years are typing mistakes.
FIRST_YEAR = 2012
IMPORT_MAX_BYTES = 2 * 1024 * 1024
LIST_SEPARATOR = ";"


@dataclass(frozen=True)
class ImportProblem:
    """One error of an import file: the line (1 is the header), the column, the message."""

    line: int
    column: str
    message: str

    def __str__(self):
        where = _("ligne %(line)s") % {"line": self.line}
        if self.column:
            where += " " + _("(colonne « %(column)s »)") % {"column": self.column}
        return f"{where} : {self.message}"


@dataclass
class ImportReport:
    """What an import did, or would do with ``dry_run``, or why it refused the file."""

    dry_run: bool = False
    rows: int = 0
    errors: list[ImportProblem] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def ok(self):
        return not self.errors

    @property
    def written(self):
        return self.ok and not self.dry_run

    def summary(self):
        """One sentence saying what happened, for the command's output and the admin page."""
        if self.errors:
            return _(
                "%(count)s erreur(s) dans le fichier : rien n'a été importé. Corrigez les lignes "
                "signalées puis recommencez."
            ) % {"count": len(self.errors)}
        counts = {
            "rows": self.rows,
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
        }
        if self.dry_run:
            return (
                _(
                    "Vérification seule, rien n'a été écrit : %(rows)s ligne(s) valide(s), "
                    "%(created)s projet(s) à créer, %(updated)s à mettre à jour, "
                    "%(unchanged)s inchangé(s)."
                )
                % counts
            )
        return (
            _(
                "Import terminé : %(rows)s ligne(s), %(created)s projet(s) créé(s), "
                "%(updated)s mis à jour, %(unchanged)s inchangé(s)."
            )
            % counts
        )


@dataclass
class _Row:
    """A valid row, ready to be written."""

    line: int
    slug: str
    values: dict
    commune_ids: set
    themes: set
    given: set  # optional columns present in the file


def _decode(data):
    """Text of an uploaded file: UTF-8 (with or without BOM), else Windows-1252 (Excel)."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _read_source(source):
    """The bytes of a path or of an open (binary or text) file."""
    if isinstance(source, str | Path):
        with open(source, "rb") as handle:
            return handle.read(IMPORT_MAX_BYTES + 1)
    if hasattr(source, "seek"):
        source.seek(0)
    data = source.read(IMPORT_MAX_BYTES + 1)
    return data.encode("utf-8") if isinstance(data, str) else data


def _split(cell):
    return [item.strip() for item in (cell or "").split(LIST_SEPARATOR) if item.strip()]


def _check_url(value, column, line, problems):
    if not value:
        return ""
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        problems.append(ImportProblem(line, column, _("adresse web invalide « %s »") % value))
    return value


def _check_int(value, column, line, problems, *, low, high, label):
    if not value:
        return None
    try:
        number = int(value)
    except ValueError:
        number = None
    if number is None or not low <= number <= high:
        problems.append(
            ImportProblem(
                line,
                column,
                _("%(label)s invalide « %(value)s » (nombre entre %(low)s et %(high)s attendu)")
                % {"label": label, "value": value, "low": low, "high": high},
            )
        )
        return None
    return number


def _validate_row(raw, line, communes, problems):
    """Check one row; append its problems; return a _Row when it is valid."""
    before = len(problems)
    cell = {key: (raw.get(key) or "").strip() for key in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)}

    name = cell["name"]
    if not name:
        problems.append(ImportProblem(line, "name", _("le nom du projet est obligatoire")))
    elif len(name) > 200:
        problems.append(ImportProblem(line, "name", _("nom trop long (200 caractères au plus)")))

    year = _check_int(
        cell["year"],
        "year",
        line,
        problems,
        low=FIRST_YEAR,
        high=timezone.localdate().year + 1,
        label=_("année"),
    )
    wave = _check_int(cell["wave"], "wave", line, problems, low=1, high=999, label=_("vague"))

    award = cell["award"].lower()
    if award not in Award.values:
        problems.append(
            ImportProblem(
                line,
                "award",
                _("distinction inconnue « %(value)s » (attendu : %(allowed)s)")
                % {"value": cell["award"], "allowed": ", ".join(Award.values)},
            )
        )

    commune_ids = set()
    epcis = set()
    for code in _split(cell["communes_insee"]):
        commune = communes.get(code)
        if commune is None:
            problems.append(
                ImportProblem(
                    line,
                    "communes_insee",
                    _("code INSEE inconnu « %s » : ce n'est pas une commune du Pôle Métropolitain")
                    % code,
                )
            )
            continue
        commune_ids.add(commune.pk)
        epcis.add(commune.epci)

    agglomeration = cell["epci"].upper()
    if not agglomeration:
        if len(epcis) == 1:
            agglomeration = epcis.pop()
        elif epcis:
            agglomeration = Agglomeration.PMA
        else:
            problems.append(
                ImportProblem(
                    line, "epci", _("agglomération manquante (ni agglomération, ni commune)")
                )
            )
    elif agglomeration not in Agglomeration.values:
        problems.append(
            ImportProblem(
                line,
                "epci",
                _("agglomération inconnue « %(value)s » (attendu : %(allowed)s)")
                % {"value": cell["epci"], "allowed": ", ".join(Agglomeration.values)},
            )
        )
    elif agglomeration != Agglomeration.PMA:
        for code in _split(cell["communes_insee"]):
            commune = communes.get(code)
            if commune is not None and commune.epci != agglomeration:
                problems.append(
                    ImportProblem(
                        line,
                        "communes_insee",
                        _("%(commune)s (%(code)s) n'est pas dans l'agglomération %(epci)s")
                        % {"commune": commune.name, "code": code, "epci": agglomeration},
                    )
                )

    holder = cell["holder"]
    if len(holder) > 200:
        problems.append(ImportProblem(line, "holder", _("porteur trop long (200 caractères)")))
    holder_type = cell["holder_type"].lower() or HolderType.AUTRE
    if holder_type not in HolderType.values:
        problems.append(
            ImportProblem(
                line,
                "holder_type",
                _("type de porteur inconnu « %(value)s » (attendu : %(allowed)s)")
                % {"value": cell["holder_type"], "allowed": ", ".join(HolderType.values)},
            )
        )

    themes = set()
    for code in _split(cell["themes"]):
        if code.lower() in Theme.values:
            themes.add(code.lower())
        else:
            problems.append(
                ImportProblem(
                    line,
                    "themes",
                    _("thème inconnu « %(value)s » (attendu : %(allowed)s)")
                    % {"value": code, "allowed": ", ".join(Theme.values)},
                )
            )

    summary = cell["summary"]
    if len(summary) > 600:
        problems.append(ImportProblem(line, "summary", _("résumé trop long (600 caractères)")))
    source_url = _check_url(cell["source_url"], "source_url", line, problems)
    website = _check_url(cell["website"], "website", line, problems)
    slug = cell["slug"]
    if slug:
        try:
            validate_slug(slug)
        except ValidationError:
            problems.append(ImportProblem(line, "slug", _("identifiant invalide « %s »") % slug))
        if slug in RESERVED_SLUGS:
            problems.append(ImportProblem(line, "slug", _("identifiant réservé « %s »") % slug))

    if len(problems) > before:
        return None
    values = {
        "name": name,
        "year": year,
        "wave_number": wave,
        "award": award,
        "agglomeration": agglomeration,
        "holder": holder,
        "holder_type": holder_type,
        "summary": summary,
        "source_url": source_url,
    }
    given = {column for column in OPTIONAL_COLUMNS if column in raw}
    if "description" in given:
        values["description"] = cell["description"]
    if "website" in given:
        values["website"] = website
    return _Row(line, slug, values, commune_ids, themes, given)


def _parse(text, report):
    """Validate every row of the file's text; return the valid rows (all of them, or errors)."""
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if "," not in first_line and ";" in first_line else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    columns = [name.strip() for name in reader.fieldnames or []]
    reader.fieldnames = columns
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        report.errors.append(
            ImportProblem(1, "", _("colonnes manquantes dans l'en-tête : %s") % ", ".join(missing))
        )
        return []

    communes = {commune.insee_code: commune for commune in Commune.objects.all()}
    rows = []
    seen = {}
    line = reader.line_num + 1
    try:
        for raw in reader:
            if not any((value or "").strip() for value in raw.values() if isinstance(value, str)):
                line = reader.line_num + 1
                continue
            report.rows += 1
            if None in raw:
                report.errors.append(
                    ImportProblem(line, "", _("plus de cellules que de colonnes dans l'en-tête"))
                )
            row = _validate_row(raw, line, communes, report.errors)
            if row is not None:
                key = (search_normalise(row.values["name"]), row.values["year"])
                if key in seen:
                    report.errors.append(
                        ImportProblem(
                            line,
                            "name",
                            _("projet en double : même nom et même année qu'à la ligne %s")
                            % seen[key],
                        )
                    )
                else:
                    seen[key] = line
                    rows.append(row)
            line = reader.line_num + 1
    except csv.Error as exc:
        report.errors.append(ImportProblem(line, "", _("CSV illisible : %s") % exc))
    return rows


def _match(rows):
    """Pair each row with the existing entry it updates (or None to create one).

    A row names its entry by slug when the file has a ``slug`` column; otherwise by its
    accent- and case-insensitive name, the year telling apart two projects of the same name.
    """
    existing = CatalogueEntry.objects.filter(is_synthetic=False)
    existing = list(existing.prefetch_related("communes", "theme_links"))
    by_slug = {entry.slug: entry for entry in existing}
    by_name = {}
    for entry in existing:
        by_name.setdefault(entry.sort_name, []).append(entry)
    names_in_file = {}
    for row in rows:
        key = search_normalise(row.values["name"])[:200]
        names_in_file[key] = names_in_file.get(key, 0) + 1
    used = set()
    pairs = []
    for row in rows:
        entry = None
        if row.slug:
            entry = by_slug.get(row.slug)
        else:
            key = search_normalise(row.values["name"])[:200]
            candidates = [item for item in by_name.get(key, []) if item.pk not in used]
            same_year = [item for item in candidates if item.year == row.values["year"]]
            if same_year:
                entry = same_year[0]
            elif len(candidates) == 1 and names_in_file[key] == 1:
                entry = candidates[0]
        if entry is not None:
            used.add(entry.pk)
        pairs.append((row, entry))
    return pairs


def _differs(entry, row):
    if any(getattr(entry, name) != value for name, value in row.values.items()):
        return True
    if {commune.pk for commune in entry.communes.all()} != row.commune_ids:
        return True
    return {link.theme for link in entry.theme_links.all()} != row.themes


def _write(entry, row):
    """Create or update one entry from a valid row, with its communes and themes."""
    if entry is None:
        entry = CatalogueEntry(slug=row.slug, published_at=timezone.now())
    for name, value in row.values.items():
        setattr(entry, name, value)
    entry.save()
    # Changing the communes refreshes the search column (m2m_changed on the model).
    entry.communes.set(row.commune_ids)
    catalogue_entry_set_themes(entry=entry, themes=row.themes)
    return entry


def catalogue_entry_set_themes(*, entry, themes):
    """Give an entry exactly these themes (codes of the Theme list), keeping the others' rows."""
    themes = set(themes)
    entry.theme_links.exclude(theme__in=themes).delete()
    present = set(entry.theme_links.values_list("theme", flat=True))
    CatalogueEntryTheme.objects.bulk_create(
        [CatalogueEntryTheme(entry=entry, theme=code) for code in sorted(themes - present)]
    )
    entry.refresh_denormalised()


def catalogue_import(*, source, dry_run=False):
    """Import a catalogue CSV file: validate every row, then create or update the entries.

    ``source`` is a path or an open file. If any row is invalid, nothing is written and the
    report lists each problem with its line number; with ``dry_run`` nothing is written
    either, and the report says what would be created or updated. Re-importing a file
    updates the entries it created and never duplicates them. Entries absent from the file
    (e.g. those of later waves) are left alone, and so is the published flag set by staff.
    """
    report = ImportReport(dry_run=dry_run)
    data = _read_source(source)
    if len(data) > IMPORT_MAX_BYTES:
        report.errors.append(
            ImportProblem(0, "", _("fichier trop gros (2 Mo au plus pour un fichier CSV)"))
        )
        return report
    text = _decode(data)
    if text is None:
        report.errors.append(
            ImportProblem(0, "", _("encodage illisible : enregistrez le fichier en UTF-8"))
        )
        return report
    rows = _parse(text, report)
    if report.errors:
        return report
    if not rows:
        report.errors.append(ImportProblem(1, "", _("le fichier ne contient aucun projet")))
        return report

    with transaction.atomic():
        pairs = _match(rows)
        taken_slugs = set(
            CatalogueEntry.objects.filter(
                slug__in=[row.slug for row in rows if row.slug]
            ).values_list("slug", flat=True)
        )
        for row, entry in pairs:
            if entry is None and row.slug in taken_slugs:
                report.errors.append(
                    ImportProblem(row.line, "slug", _("identifiant déjà pris « %s »") % row.slug)
                )
        if report.errors:
            return report
        for row, entry in pairs:
            name = row.values["name"]
            if entry is None:
                report.created.append(name)
            elif _differs(entry, row):
                report.updated.append(name)
            else:
                report.unchanged.append(name)
                continue
            if not dry_run:
                _write(entry, row)
    return report


# --- Open data ---------------------------------------------------------------------------

OPEN_DATA_LICENCE = {
    "name": "Licence Ouverte / Open Licence version 2.0",
    "url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
}
# The published schema: the CSV and JSON files, the API and the /donnees/ page all follow it.
# (name, type, meaning); in the CSV, lists are written as codes separated by ";".
_TEXT = gettext_lazy("texte")
_CODE = gettext_lazy("code")
_INTEGER_OR_EMPTY = gettext_lazy("entier ou vide")
_URL_OR_EMPTY = gettext_lazy("URL ou vide")
_DATETIME = gettext_lazy("date-heure ISO 8601")
OPEN_DATA_FIELDS = (
    (
        "slug",
        _TEXT,
        gettext_lazy("Identifiant stable, repris dans l'adresse de la page."),
    ),
    ("url", gettext_lazy("URL"), gettext_lazy("Adresse de la page publique du projet.")),
    ("name", _TEXT, gettext_lazy("Nom du projet.")),
    (
        "year",
        _INTEGER_OR_EMPTY,
        gettext_lazy("Année de labellisation, vide quand elle n'est pas connue."),
    ),
    (
        "wave",
        _INTEGER_OR_EMPTY,
        gettext_lazy("Numéro de la vague du label, vide quand il n'est pas connu."),
    ),
    (
        "award",
        _CODE,
        gettext_lazy("Distinction : « label » (Catégorie 1) ou « espoirs » (Label Espoirs)."),
    ),
    ("award_label", _TEXT, gettext_lazy("Nom de la distinction.")),
    (
        "agglomeration",
        _CODE,
        gettext_lazy(
            "CALL (Lens-Liévin), CAHC (Hénin-Carvin), CABBALR (Béthune-Bruay, Artois-Lys "
            "Romane) ou PMA (tout le territoire du Pôle métropolitain)."
        ),
    ),
    ("agglomeration_label", _TEXT, gettext_lazy("Nom de l'agglomération ou du territoire.")),
    (
        "communes_insee",
        gettext_lazy("liste de codes"),
        gettext_lazy("Codes INSEE des communes du projet, par nom de commune ; peut être vide."),
    ),
    (
        "communes",
        gettext_lazy("liste de textes"),
        gettext_lazy("Noms des communes du projet, dans le même ordre."),
    ),
    ("holder", _TEXT, gettext_lazy("Porteur du projet (organisme) ; peut être vide.")),
    (
        "holder_type",
        _CODE,
        gettext_lazy(
            "Type de porteur : association, collectivite, entreprise, bailleur, "
            "etablissement_public, habitants ou autre."
        ),
    ),
    (
        "themes",
        gettext_lazy("liste de codes"),
        gettext_lazy("Thèmes du projet, parmi la liste contrôlée ci-dessous."),
    ),
    ("summary", _TEXT, gettext_lazy("Résumé du projet en une phrase.")),
    (
        "description",
        gettext_lazy("texte (Markdown)"),
        gettext_lazy("Description détaillée, en texte simple ou en Markdown."),
    ),
    ("website", _URL_OR_EMPTY, gettext_lazy("Site web du projet.")),
    (
        "source_url",
        _URL_OR_EMPTY,
        gettext_lazy("Source publique de l'information (article, page du projet)."),
    ),
    ("image_url", _URL_OR_EMPTY, gettext_lazy("Image du projet, 1200 pixels de large au plus.")),
    ("published_at", _DATETIME, gettext_lazy("Entrée du projet dans le catalogue en ligne.")),
    ("updated_at", _DATETIME, gettext_lazy("Dernière modification de la fiche.")),
)
OPEN_DATA_COLUMNS = tuple(name for name, _type, _meaning in OPEN_DATA_FIELDS)


def catalogue_record(entry, *, base_url):
    """One entry as an open-data record (a dict following OPEN_DATA_FIELDS).

    ``entry`` comes with its communes and themes prefetched; ``base_url`` is the site's
    scheme and host, prefixed to the page and image paths.
    """
    communes = entry.commune_list
    image_url = entry.large_image_url
    return {
        "slug": entry.slug,
        "url": base_url + entry.get_absolute_url(),
        "name": entry.name,
        "year": entry.year,
        "wave": entry.wave_number,
        "award": entry.award,
        "award_label": str(entry.award_label),
        "agglomeration": entry.agglomeration,
        "agglomeration_label": str(entry.agglomeration_label),
        "communes_insee": [commune.insee_code for commune in communes],
        "communes": [commune.name for commune in communes],
        "holder": entry.holder,
        "holder_type": entry.holder_type,
        "themes": [theme.value for theme in entry.themes],
        "summary": entry.summary,
        "description": entry.description,
        "website": entry.website,
        "source_url": entry.source_url,
        "image_url": base_url + image_url if image_url else "",
        "published_at": entry.published_at.isoformat(),
        "updated_at": entry.updated_at.isoformat(),
    }


def catalogue_csv_row(record):
    """A record flattened for the CSV file: lists joined with ";", empty cells for None."""
    row = []
    for column in OPEN_DATA_COLUMNS:
        value = record[column]
        if isinstance(value, list):
            value = LIST_SEPARATOR.join(value)
        row.append("" if value is None else value)
    return row


# --- Entries of labelled applications (the announcement of a wave's results) ------------------


def _agglomeration_of(application, communes):
    """The agglomeration a project stands in, or the whole Pôle when it spans several."""
    if application.territory_wide:
        return Agglomeration.PMA
    agglomerations = {commune.epci for commune in communes}
    if len(agglomerations) == 1:
        return Agglomeration(agglomerations.pop())
    return Agglomeration.PMA


@transaction.atomic
def catalogue_entry_publish_from_application(application):
    """Publish a labelled application in the public catalogue: create or update its entry.

    Called by the announcement of a wave's results, inside its transaction. The entry copies
    what the public may read of the dossier — title, holder and its type, communes and
    agglomeration, themes, summary, the answers the wave's form makes public (as the
    description), award, wave and year of the announcement —
    and links back to the application. Publishing again updates and republishes the same
    entry, never a second one; its slug, fixed at creation, keeps published links valid.
    Returns the entry.
    """
    wave = application.wave
    announced = wave.results_announced_at or application.announced_at
    entry = (
        CatalogueEntry.objects.select_for_update()
        .filter(source_application_id=application.pk)
        .first()
    )
    if entry is None:
        entry = CatalogueEntry(source_application=application, published_at=timezone.now())
    communes = list(application.communes.all())
    entry.name = (application.title or application.reference or "")[:200]
    entry.holder = (application.holder_name or "")[:200]
    entry.holder_type = (
        application.holder_type
        if application.holder_type in HolderType.values
        else HolderType.AUTRE
    )
    entry.agglomeration = _agglomeration_of(application, communes)
    entry.award = application.award if application.award in Award.values else Award.LABEL
    entry.wave_number = wave.number
    entry.year = timezone.localtime(announced, PARIS).year if announced else wave.year
    entry.summary = (application.summary or "")[:600]
    entry.description = public_text(application)
    entry.source_reference = application.reference or ""
    entry.is_published = True
    entry.save()
    entry.communes.set(communes)
    catalogue_entry_set_themes(
        entry=entry, themes=[code for code in application.themes or [] if code in Theme.values]
    )
    return entry


@transaction.atomic
def catalogue_entry_unpublish_for_application(application):
    """Take a project off the public catalogue after its label was withdrawn.

    The entry stays (unpublished) for the record and the link to its application; its page,
    the lists, the API and the open data no longer show it. Returns how many were unpublished.
    """
    count = 0
    for entry in CatalogueEntry.objects.select_for_update().filter(
        source_application_id=application.pk, is_published=True
    ):
        entry.is_published = False
        entry.save(update_fields=["is_published", "updated_at"])
        count += 1
    return count
