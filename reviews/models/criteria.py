"""The criteria grid of a wave: what reviewers score (DESIGN.md §2 "Criteria grid")."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# The widest scale a criterion may have: a select of more options stops being a grid.
SCALE_MAX_LIMIT = 20
WEIGHT_LIMIT = 100


class CriterionGroup(models.TextChoices):
    """The four groups of the grid, in the order the reviewers meet them."""

    TRANSITION = "A", _("A. Contribution à la transition écologique et sociale")
    FEASIBILITY = "B", _("B. Faisabilité")
    DIFFUSION = "C", _("C. Diffusion")
    INNOVATION = "D", _("D. Innovation")


# The default grid of DESIGN.md §2, given to every new wave: (group, code, label, help text,
# weight). Transition counts most, as the label rewards the transition first; feasibility next.
DEFAULT_GRID = [
    (
        "A",
        "A1",
        "Bien-être et cohésion sociale",
        "Le projet améliore-t-il la qualité de vie et le lien entre les habitants ?",
        3,
    ),
    (
        "A",
        "A2",
        "Usage responsable des ressources",
        "Sobriété en énergie, en eau, en matériaux ; réemploi ; circuits courts.",
        3,
    ),
    (
        "A",
        "A3",
        "Préservation des écosystèmes",
        "Effets sur la biodiversité, les sols, les paysages.",
        3,
    ),
    (
        "A",
        "A4",
        "Résilience du territoire",
        "Le projet aide-t-il le territoire à faire face aux crises et aux changements ?",
        3,
    ),
    (
        "A",
        "A5",
        "Implication des habitants",
        "Place des habitants dans la conception, la réalisation et la gouvernance.",
        3,
    ),
    (
        "B",
        "B1",
        "Faisabilité technique",
        "Compétences, calendrier, autorisations, maîtrise du foncier.",
        2,
    ),
    (
        "B",
        "B2",
        "Faisabilité financière",
        "Budget présenté, plan de financement, part des financements acquis.",
        2,
    ),
    (
        "B",
        "B3",
        "Partenariats",
        "Solidité et diversité des partenaires engagés.",
        2,
    ),
    (
        "C",
        "C1",
        "Exemplarité et diffusion",
        "Capacité à inspirer d'autres projets ; stratégie de communication.",
        2,
    ),
    (
        "D",
        "D1",
        "Innovation technologique ou sociale",
        "Ce que le projet apporte de nouveau sur le territoire.",
        1,
    ),
]
DEFAULT_SCALE_MAX = 5


def default_grid_create(criterion_model, wave):
    """Give a wave the default grid, unless it already has criteria; return how many were made.

    Takes the model as an argument so that a data migration can pass its historical model.
    """
    if criterion_model.objects.filter(wave_id=wave.pk).exists():
        return 0
    criterion_model.objects.bulk_create(
        criterion_model(
            wave_id=wave.pk,
            group=group,
            code=code,
            label=label,
            help_text=help_text,
            weight=weight,
            scale_max=DEFAULT_SCALE_MAX,
            required=True,
            counts_in_ranking=True,
            position=position,
        )
        for position, (group, code, label, help_text, weight) in enumerate(DEFAULT_GRID, start=1)
    )
    return len(DEFAULT_GRID)


class Criterion(models.Model):
    """One criterion of a wave's grid, scored by each reviewer from 0 to its scale maximum."""

    wave = models.ForeignKey(
        "label.Wave", verbose_name=_("vague"), on_delete=models.CASCADE, related_name="criteria"
    )
    group = models.CharField(_("groupe"), max_length=1, choices=CriterionGroup.choices)
    code = models.CharField(_("code"), max_length=10, help_text=_("Par exemple A1, B2."))
    label = models.CharField(_("intitulé"), max_length=200)
    help_text = models.TextField(_("aide à la notation"), blank=True, max_length=1000)
    weight = models.PositiveSmallIntegerField(
        _("pondération"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(WEIGHT_LIMIT)],
    )
    scale_max = models.PositiveSmallIntegerField(
        _("note maximale"),
        default=DEFAULT_SCALE_MAX,
        validators=[MinValueValidator(1), MaxValueValidator(SCALE_MAX_LIMIT)],
        help_text=_("Le critère est noté de 0 à cette valeur."),
    )
    required = models.BooleanField(_("obligatoire"), default=True)
    counts_in_ranking = models.BooleanField(_("compte dans le classement"), default=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        db_table = "label_criterion"
        verbose_name = _("critère")
        verbose_name_plural = _("critères")
        ordering = ["wave", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["wave", "code"], name="criterion_unique_code_per_wave")
        ]

    def __str__(self):
        return f"{self.code}. {self.label}"

    @property
    def scale_values(self):
        """The scores a reviewer may give, from 0 to the maximum."""
        return range(0, self.scale_max + 1)
