import factory
from django.utils import timezone

from catalogue.models import CatalogueEntry, CatalogueEntryTheme, catalogue_touch
from catalogue.services import catalogue_entry_set_themes
from label.enums import Agglomeration, Award, HolderType
from label.models import Commune


class CatalogueEntryFactory(factory.django.DjangoModelFactory):
    """A published entry; pass communes=["62498", ...] (INSEE codes) and themes=["nature"]."""

    class Meta:
        model = CatalogueEntry
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Projet de transition n° {n}")
    holder = factory.Faker("company", locale="fr_FR")
    holder_type = HolderType.ASSOCIATION
    agglomeration = Agglomeration.CALL
    award = Award.LABEL
    year = 2023
    wave_number = 10
    summary = "Un projet qui porte la transition écologique et sociale du territoire."
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def communes(self, create, extracted, **kwargs):
        if create and extracted:
            self.communes.set(Commune.objects.filter(insee_code__in=extracted))

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create:
            catalogue_entry_set_themes(entry=self, themes=extracted or [])


def catalogue_entries_bulk(count, *, start=0, communes=(), themes=(), **fields):
    """Create many published entries in a few queries (for query-count guards)."""
    commune_rows = list(Commune.objects.filter(insee_code__in=communes))
    names = [commune.name for commune in commune_rows]
    facets = CatalogueEntry.build_facets(
        [(commune.insee_code, commune.name) for commune in commune_rows], themes
    )
    agglomeration = fields.pop("agglomeration", Agglomeration.CALL)
    entries = []
    for index in range(start, start + count):
        entry = CatalogueEntry(
            name=f"Projet groupé {index}",
            slug=f"projet-groupe-{index}",
            sort_name=f"projet groupe {index:06}",
            agglomeration=agglomeration,
            year=2023,
            sort_year=2023,
            wave_number=10,
            summary="Projet créé en nombre pour les tests.",
            published_at=timezone.now(),
            **fields,
        )
        entry.search_text = entry.build_search_text(names)
        entry.facets = facets
        entries.append(entry)
    entries = CatalogueEntry.objects.bulk_create(entries)
    through = CatalogueEntry.communes.through
    through.objects.bulk_create(
        [
            through(catalogueentry_id=entry.pk, commune_id=commune.pk)
            for entry in entries
            for commune in commune_rows
        ]
    )
    CatalogueEntryTheme.objects.bulk_create(
        [CatalogueEntryTheme(entry=entry, theme=theme) for entry in entries for theme in themes]
    )
    catalogue_touch()  # bulk_create bypasses save(), which would say the catalogue changed
    return entries
