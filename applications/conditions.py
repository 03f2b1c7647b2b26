"""Is the application ready for a move? Predicates used as conditions of the transitions.

Each returns a boolean; `missing_items` also says, in the applicant's words, what is missing,
so the completeness checklist of the form and the guard of `submit` are one rule.
"""

from django.utils.translation import gettext as _

from applications.enums import AttachmentKind

# Documents without which a dossier cannot be filed.
REQUIRED_ATTACHMENT_KINDS = (AttachmentKind.FINANCING_PLAN,)

# The eligibility checklist used when a wave defines none (DESIGN.md §2, recevabilité).
DEFAULT_ELIGIBILITY_CHECKLIST = (
    ("territory", "Le projet est situé sur le territoire du Pôle Métropolitain de l'Artois"),
    ("holder", "Le porteur est identifié et en capacité de mener le projet"),
    ("transition", "Il s'agit d'un projet de transition écologique et sociale"),
    ("budget", "Un budget et un plan de financement sont présentés"),
)


def is_wave_open(application):
    """Is the call of the application's wave open now (server clock, Europe/Paris)?"""
    return application.wave.is_open


def missing_items(application):
    """The list of what still prevents filing the dossier, as sentences for the applicant."""
    missing = []
    required_fields = [
        ("holder_name", _("le nom de la structure porteuse")),
        ("holder_type", _("le type de porteur")),
        ("address", _("l'adresse du porteur")),
        ("contact_name", _("la personne à contacter")),
        ("contact_email", _("l'e-mail du contact")),
        ("contact_phone", _("le téléphone du contact")),
        ("title", _("le titre du projet")),
        ("summary", _("le résumé")),
        ("description", _("la description")),
        ("stage", _("l'état d'avancement")),
        ("contribution_transition", _("la contribution à la transition (A)")),
        ("contribution_feasibility", _("la faisabilité (B)")),
        ("contribution_diffusion", _("la diffusion (C)")),
        ("contribution_innovation", _("l'innovation (D)")),
        ("partners", _("les partenaires")),
        ("milestones", _("les étapes et le calendrier")),
        ("diffusion_strategy", _("la stratégie de diffusion")),
        ("expected_support", _("l'accompagnement attendu")),
    ]
    for name, label in required_fields:
        if not str(getattr(application, name) or "").strip():
            missing.append(_("Renseignez %(field)s.") % {"field": label})
    if not application.themes:
        missing.append(_("Choisissez au moins une thématique."))
    if not application.territory_wide and not application.communes.exists():
        missing.append(
            _("Choisissez au moins une commune du territoire, ou « tout le territoire ».")
        )
    missing.extend(_budget_problems(application))
    present_kinds = set(application.attachments.values_list("kind", flat=True))
    for kind in REQUIRED_ATTACHMENT_KINDS:
        if kind not in present_kinds:
            missing.append(
                _("Joignez la pièce obligatoire : %(kind)s.") % {"kind": AttachmentKind(kind).label}
            )
    if application.consent_given_at is None:
        missing.append(_("Acceptez le traitement de vos données personnelles."))
    return missing


def _budget_problems(application):
    if application.total_cost is None:
        return [_("Indiquez le coût total du projet.")]
    lines = list(application.financing_lines.all())
    if not lines:
        return [_("Complétez le plan de financement.")]
    financed = sum(line.amount for line in lines)
    if financed != application.total_cost:
        return [
            _(
                "Le total du plan de financement (%(financed)s €) doit être égal au coût total "
                "du projet (%(cost)s €)."
            )
            % {"financed": financed, "cost": application.total_cost}
        ]
    return []


def is_complete(application):
    """Does the dossier hold every required field, commune, document and the consent?"""
    return not missing_items(application)


def eligibility_checklist_items(application):
    """The (code, label) items of the eligibility checklist of the application's wave."""
    return application.wave.eligibility_checklist_items()


def has_filled_eligibility_checklist(application):
    """Has instruction answered every item of the eligibility checklist?"""
    answers = application.eligibility_checklist or {}
    return all(
        isinstance(answers.get(code), bool)
        for code, _label in eligibility_checklist_items(application)
    )
