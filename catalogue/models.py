"""The public catalogue of labelled projects."""

import re
import time
from collections import namedtuple

import markdown
import nh3
from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.db.models.signals import m2m_changed, post_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from catalogue.pictures import (
    PICTURE_SIZE_OF_URL_NAME,
    picture_discard,
    picture_store,
    picture_variant,
)
from label.enums import Agglomeration, Award, HolderType, Theme
from label.text import search_normalise
from label.validators import validate_picture

# Uploaded pictures: a press photo is rarely above a few megabytes; the pixel cap keeps a
# "decompression bomb" from exhausting memory while the thumbnails are made.
IMAGE_MAX_BYTES = 5 * 1024 * 1024
IMAGE_MAX_PIXELS = 40_000_000
IMAGE_FORMATS = {"JPEG", "PNG", "WEBP"}
# A commune as an entry shows it, from the entry's facets column.
CommuneRef = namedtuple("CommuneRef", ["insee_code", "name"])
# Paths under /projets/ that a project's slug must not take.
RESERVED_SLUGS = {"statistiques", "carte", "cahiers"}
IMAGE_VARIANT_CARD = "vignette"
IMAGE_VARIANT_LARGE = "grande"
IMAGE_VARIANT_SOCIAL = "partage"

# What survives of a Markdown description: text structure and links, nothing that runs or
# styles. Headings start at h3 because the page already has its h1 and h2s.
MARKDOWN_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "blockquote", "a", "h3", "h4", "code", "pre",
}  # fmt: skip
MARKDOWN_ATTRIBUTES = {"a": {"href", "title"}}
MARKDOWN_URL_SCHEMES = {"http", "https", "mailto"}
_HEADING = re.compile(r"<(/?)h[1-6]>")
# French ligatures that Unicode decomposition leaves alone: « œuvre » is searched as "oeuvre".


CATALOGUE_VERSION_KEY = "catalogue:version"


def catalogue_touch():
    """Mark the catalogue as changed: what was cached from it (filter choices) is stale.

    A new version number rather than a deletion, so that every process sharing the cache
    (Redis in production) moves on together.
    """
    cache.set(CATALOGUE_VERSION_KEY, time.time_ns(), None)


def catalogue_version():
    """The current version of the catalogue, for cache keys."""
    version = cache.get(CATALOGUE_VERSION_KEY)
    if version is None:
        cache.add(CATALOGUE_VERSION_KEY, time.time_ns(), None)
        version = cache.get(CATALOGUE_VERSION_KEY, 0)
    return version


def markdown_render(text):
    """Render a description written in plain text or Markdown to sanitised HTML."""
    if not text:
        return ""
    html = markdown.markdown(text, extensions=["sane_lists"], output_format="html")
    html = _HEADING.sub(lambda match: f"<{match.group(1)}h3>", html)
    return nh3.clean(
        html,
        tags=MARKDOWN_TAGS,
        attributes=MARKDOWN_ATTRIBUTES,
        url_schemes=MARKDOWN_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


def validate_catalogue_image(upload):
    """Refuse files that are not a real JPEG, PNG or WebP picture of reasonable size."""
    validate_picture(
        upload,
        max_bytes=IMAGE_MAX_BYTES,
        max_pixels=IMAGE_MAX_PIXELS,
        formats=IMAGE_FORMATS,
        formats_message=_("Seules les images JPEG, PNG ou WebP sont acceptées."),
    )


class CatalogueEntryQuerySet(models.QuerySet):
    def public(self):
        """Entries the public may see: published, and never benchmark data.

        The benchmark alone, on its throw-away database, sets CATALOGUE_BENCHMARK so that its
        generated entries take the place of real ones, through the very same queries.
        """
        synthetic = getattr(settings, "CATALOGUE_BENCHMARK", False)
        return self.filter(is_published=True, is_synthetic=synthetic)


class CatalogueEntry(models.Model):
    """A labelled project as shown in the public catalogue.

    Old entries come from the historical file (``import_catalogue``); new ones will be created
    when a wave's results are announced. Wave and year may both be unknown for old entries.
    """

    name = models.CharField(_("nom du projet"), max_length=200)
    slug = models.SlugField(
        _("identifiant d'URL"),
        max_length=220,
        unique=True,
        help_text=_("Fixé à la création, il ne change plus : les liens publiés restent valides."),
    )
    holder = models.CharField(_("porteur"), max_length=200, blank=True)
    holder_type = models.CharField(
        _("type de porteur"), max_length=30, choices=HolderType.choices, default=HolderType.AUTRE
    )
    communes = models.ManyToManyField(
        "label.Commune",
        verbose_name=_("communes"),
        related_name="catalogue_entries",
        blank=True,
    )
    agglomeration = models.CharField(
        _("agglomération"), max_length=10, choices=Agglomeration.choices
    )
    award = models.CharField(
        _("distinction"), max_length=20, choices=Award.choices, default=Award.LABEL
    )
    # A number rather than a foreign key: the waves before the portal (1 to 10) have no Wave
    # row, and inventing their dates would be worse than leaving them out.
    wave_number = models.PositiveSmallIntegerField(_("vague"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("année de labellisation"), null=True, blank=True)
    summary = models.TextField(_("résumé"), max_length=600, blank=True)
    description = models.TextField(
        _("description"),
        blank=True,
        help_text=_("Texte simple ou Markdown (titres, listes, liens) ; le HTML est filtré."),
    )
    image = models.ImageField(
        _("image"),
        upload_to="catalogue/originaux/",
        blank=True,
        validators=[validate_catalogue_image],
        help_text=_("JPEG, PNG ou WebP, 5 Mo au plus. L'original n'est jamais publié."),
    )
    image_alt = models.CharField(
        _("texte alternatif de l'image"),
        max_length=250,
        blank=True,
        help_text=_("Ce que montre l'image, pour les personnes qui ne la voient pas."),
    )
    # The published picture's sizes and formats, rendered from the image above or from an
    # approved holder's photo, whichever came last (catalogue/pictures.py describes it).
    picture = models.JSONField(editable=False, blank=True, default=dict)
    website = models.URLField(_("site web du projet"), blank=True)
    source_url = models.URLField(_("source"), max_length=500, blank=True)
    # Entries of the historical file have only a free reference; those created when a wave's
    # results are announced also link to their application (its reference is copied too).
    source_reference = models.CharField(_("référence d'origine"), max_length=100, blank=True)
    source_application = models.OneToOneField(
        "applications.Application",
        verbose_name=_("candidature d'origine"),
        null=True,
        blank=True,
        editable=False,
        # The public record outlives the file (e.g. a dossier erased after its retention).
        on_delete=models.SET_NULL,
        related_name="catalogue_entry",
    )
    is_published = models.BooleanField(_("publié"), default=True)
    is_synthetic = models.BooleanField(
        _("donnée de test"),
        default=False,
        help_text=_("Généré pour les mesures de performance ; jamais affiché au public."),
    )
    published_at = models.DateTimeField(_("entré au catalogue le"), default=timezone.now)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    # Lower-case, accent-free copy of the searchable text (name, holder, communes, summary):
    # one LIKE on this column behaves the same on SQLite and PostgreSQL, where neither
    # unaccent() nor a case-insensitive collation is available everywhere. PostgreSQL gets a
    # trigram index on it (migration 0004); no SQLite index serves an infix LIKE.
    search_text = models.TextField(editable=False, blank=True, default="")
    # A copy of the communes (code, name) and theme codes, for display: cards, pages and API
    # records read the entry's row alone instead of two more queries per page. The M2M and
    # the theme rows stay the truth that filters and counts use; this copy is rewritten
    # from them whenever they change (refresh_denormalised).
    facets = models.JSONField(editable=False, blank=True, default=dict)
    # Accent-free name, so that « Écoles » sorts among the E and not after Z.
    sort_name = models.CharField(max_length=200, editable=False, blank=True, default="")
    # The year, 0 when unknown: a column without NULL sorts the same way on SQLite and
    # PostgreSQL and lets the ordering indexes below serve the list's pages directly.
    sort_year = models.PositiveSmallIntegerField(editable=False, default=0)

    objects = CatalogueEntryQuerySet.as_manager()

    class Meta:
        db_table = "label_catalogueentry"
        verbose_name = _("projet labellisé")
        verbose_name_plural = _("projets labellisés")
        ordering = ["-sort_year", "sort_name", "id"]
        indexes = [
            # One index per sort of the public list, led by the columns of public(): a page
            # is read in order without sorting the catalogue, and counting reads the index.
            models.Index(
                fields=["is_published", "is_synthetic", "-sort_year", "sort_name", "id"],
                name="catalogue_recent",
            ),
            models.Index(
                fields=["is_published", "is_synthetic", "sort_year", "sort_name", "id"],
                name="catalogue_oldest",
            ),
            models.Index(
                fields=["is_published", "is_synthetic", "sort_name", "id"],
                name="catalogue_by_name",
            ),
            # The years and waves the filters offer: read from the index alone, skipping from
            # one pair to the next, rather than from a scan of the (wide) rows.
            models.Index(
                fields=["is_published", "is_synthetic", "year", "wave_number"],
                name="catalogue_years_waves",
            ),
            models.Index(fields=["agglomeration"], name="catalogue_agglomeration"),
            models.Index(fields=["wave_number"], name="catalogue_wave"),
            models.Index(fields=["published_at"], name="catalogue_published_at"),
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Remembered to render the picture only when a new image arrives.
        self._saved_image_name = self.image.name if "image" in self.__dict__ else None

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.assign_slug()
        self.sort_name = search_normalise(self.name)[:200]
        self.sort_year = self.year or 0
        self._compute_denormalised()
        image_changed = self.image.name != self._saved_image_name
        if image_changed:
            self._render_image()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            extra = {"search_text", "facets", "sort_name", "sort_year", "slug"}
            if image_changed:
                extra.add("picture")
            kwargs["update_fields"] = set(update_fields) | extra
        super().save(*args, **kwargs)
        self._saved_image_name = self.image.name
        catalogue_touch()

    def get_absolute_url(self):
        return reverse("catalogue:detail", kwargs={"slug": self.slug})

    def picture_variant(self, size):
        """One size ("card", "page", "social") of the published picture, or None."""
        return picture_variant(self, size)

    @property
    def card_picture(self):
        return picture_variant(self, "card")

    @property
    def page_picture(self):
        return picture_variant(self, "page")

    @property
    def social_picture(self):
        return picture_variant(self, "social")

    def image_url(self, variant):
        """JPEG URL of a picture size by its URL name ("vignette", "grande", "partage"), or "".

        The query string changes with the file, so browsers may cache the picture for long.
        """
        found = picture_variant(self, PICTURE_SIZE_OF_URL_NAME.get(variant, ""))
        return found.jpeg_url if found else ""

    @property
    def card_image_url(self):
        return self.image_url(IMAGE_VARIANT_CARD)

    @property
    def large_image_url(self):
        return self.image_url(IMAGE_VARIANT_LARGE)

    @property
    def description_html(self):
        return mark_safe(markdown_render(self.description))  # noqa: S308 -- sanitised by nh3

    # Enum lookups rather than get_FOO_display(), which walks the choices on every call and
    # is called for every card and every API record.
    @property
    def award_label(self):
        return Award(self.award).label

    @property
    def agglomeration_label(self):
        return Agglomeration(self.agglomeration).label

    @property
    def holder_type_label(self):
        return HolderType(self.holder_type).label

    @property
    def commune_list(self):
        """The entry's communes (insee_code, name), by name."""
        return [CommuneRef(*pair) for pair in (self.facets or {}).get("communes", [])]

    @property
    def themes(self):
        """The entry's themes as Theme members, in the order of the controlled list."""
        # build_facets() stores the codes in the list's order.
        return [Theme(code) for code in (self.facets or {}).get("themes", [])]

    @property
    def initials(self):
        """Two letters standing in for a missing picture on the cards."""
        words = [word for word in re.split(r"[\s'’-]+", self.name) if word[:1].isalnum()]
        significant = [word for word in words if len(word) > 3] or words
        return "".join(word[0] for word in significant[:2]).upper()

    @property
    def initials_tone(self):
        """One of six background tones, stable for a given name (a CSS class, no inline style)."""
        return sum(self.name.encode()) % 6

    def build_search_text(self, commune_names):
        parts = [self.name, self.holder, *commune_names, self.summary]
        return search_normalise(" ".join(part for part in parts if part))

    @staticmethod
    def build_facets(communes, theme_codes):
        """The display copy of (insee_code, name) pairs and theme codes (see ``facets``)."""
        return {
            "communes": sorted(([code, name] for code, name in communes), key=lambda c: c[1]),
            "themes": [theme.value for theme in Theme if theme.value in set(theme_codes)],
        }

    def _compute_denormalised(self):
        """Fill the search and display columns from the communes and themes in the database."""
        if self.pk:
            communes = list(self.communes.values_list("insee_code", "name"))
            themes = list(self.theme_links.values_list("theme", flat=True))
        else:
            communes, themes = [], []
        self.search_text = self.build_search_text([name for _code, name in communes])
        self.facets = self.build_facets(communes, themes)

    def refresh_denormalised(self):
        """Recompute and store the search and display columns after communes or themes moved."""
        self._compute_denormalised()
        # updated_at moves too: it dates the open-data files and the API's Last-Modified.
        self.updated_at = timezone.now()
        CatalogueEntry.objects.filter(pk=self.pk).update(
            search_text=self.search_text, facets=self.facets, updated_at=self.updated_at
        )
        catalogue_touch()

    def assign_slug(self):
        """A slug from the name; on a clash, the year is appended, then a counter."""
        base = slugify(self.name)[:200] or "projet"
        taken = RESERVED_SLUGS | set(
            CatalogueEntry.objects.filter(slug__startswith=base)
            .exclude(pk=self.pk)
            .values_list("slug", flat=True)
        )
        candidates = [base] + ([f"{base}-{self.year}"] if self.year else [])
        for candidate in candidates:
            if candidate not in taken:
                self.slug = candidate
                return
        counter = 2
        while f"{base}-{counter}" in taken:
            counter += 1
        self.slug = f"{base}-{counter}"

    def _render_image(self):
        """Render the picture from a newly uploaded image; without an image, fall back to the
        approved holder's photo, if any, or to no picture."""
        previous = self.picture or {}
        if self.image:
            self.picture = picture_store(
                self.image, folder=self.slug, source_kind="image", alt=self.image_alt
            )
        elif previous.get("source") == "image":
            self.picture = {}
            approved = self.pk and self.photos.filter(status="approved").first()
            if approved:
                with approved.file.open("rb") as source:
                    self.picture = picture_store(
                        source,
                        folder=self.slug,
                        source_kind="photo",
                        alt=approved.alt,
                        credit=approved.credit,
                        photo_id=approved.pk,
                    )
        else:
            return
        picture_discard(previous, keep=self.picture)


class CatalogueEntryTheme(models.Model):
    """One theme of a catalogue entry.

    A row per (entry, theme) rather than a JSON list: JSON containment is not available on
    SQLite, while this indexed join filters the same way on SQLite and PostgreSQL, counts per
    theme with one GROUP BY, and keeps the theme names translatable in the Theme enum instead
    of duplicating them in a table.
    """

    entry = models.ForeignKey(CatalogueEntry, on_delete=models.CASCADE, related_name="theme_links")
    theme = models.CharField(_("thème"), max_length=20, choices=Theme.choices)

    class Meta:
        db_table = "label_catalogueentrytheme"
        verbose_name = _("thème d'un projet")
        verbose_name_plural = _("thèmes des projets")
        constraints = [
            models.UniqueConstraint(fields=["entry", "theme"], name="catalogue_theme_once"),
        ]
        indexes = [models.Index(fields=["theme", "entry"], name="catalogue_theme_entry")]

    def __str__(self):
        return self.get_theme_display()


@receiver(post_delete, sender=CatalogueEntry)
def _entry_deleted(sender, instance, **kwargs):
    picture_discard(instance.picture)
    catalogue_touch()


@receiver(m2m_changed, sender=CatalogueEntry.communes.through)
def _communes_changed(sender, instance, action, reverse, **kwargs):
    """Commune names are searched and shown: keep the copies in step with the M2M."""
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if reverse:
        for entry in CatalogueEntry.objects.filter(pk__in=kwargs.get("pk_set") or []):
            entry.refresh_denormalised()
    else:
        instance.refresh_denormalised()


# The holders' proposed photos; defined apart, registered with the app's models here.
from catalogue.photo_models import PhotoStatus, ProjectPhoto  # noqa: E402, F401
