"""Today's dossier as a call's form: the six sections and their questions, as the editor showed
them before issue 12, so that nothing changes for an applicant on the day forms arrive.

Keys are the old field names (the answers migrate under them), the attachment kinds' values
for the documents. The texts are the wave's content, which staff then edit: they are stored
as written here, in French, not translated.
"""

from django.db import transaction

from callforms.enums import QuestionKind

K = QuestionKind

ATTACHMENT_ACCEPT = [".pdf", ".png", ".jpg", ".jpeg", ".odt", ".docx", ".ods", ".xlsx"]
ATTACHMENT_MAX_SIZE_MB = 10
# Reviewers and jury read every answer (issue 11, defect 5); the public page only these (the
# description is the catalogue entry's text once the project is labelled, as before issue 12).
PUBLIC_KEYS = frozenset({"title", "summary", "communes", "themes", "description"})


def _builtin(field, label, *, required=True, help_text="", options=None):
    return {
        "key": field,
        "label": label,
        "help_text": help_text,
        "kind": K.BUILTIN,
        "builtin_field": field,
        "required": required,
        "options": options or {},
    }


def _long(key, label, *, help_text="", criteria=()):
    return {
        "key": key,
        "label": label,
        "help_text": help_text,
        "kind": K.LONG_TEXT,
        "required": True,
        "options": {"max_length": 10_000},
        "criteria_codes": list(criteria),
    }


def _files(key, label, *, required=False, max_files=10, help_text=""):
    return {
        "key": key,
        "label": label,
        "help_text": help_text,
        "kind": K.FILES,
        "required": required,
        "options": {
            "accept": list(ATTACHMENT_ACCEPT),
            "max_size_mb": ATTACHMENT_MAX_SIZE_MB,
            "max_files": max_files,
        },
    }


DEFAULT_FORM = (
    {
        "key": "porteur",
        "title": "Porteur du projet",
        "introduction": (
            "Ces informations identifient la structure qui porte le projet et la personne que "
            "l'équipe d'instruction peut joindre."
        ),
        "questions": (
            _builtin("holder_name", "Nom de la structure porteuse"),
            _builtin("holder_type", "Type de porteur"),
            _builtin(
                "siret",
                "SIRET (facultatif)",
                required=False,
                help_text="14 chiffres, espaces permis ; la clé de contrôle est vérifiée.",
            ),
            _builtin("address", "Adresse"),
            _builtin("postcode", "Code postal (facultatif)", required=False),
            _builtin("city", "Commune du siège (facultatif)", required=False),
            _builtin("contact_name", "Personne à contacter"),
            _builtin("contact_email", "E-mail du contact"),
            _builtin(
                "contact_phone", "Téléphone du contact", help_text="Par exemple 03 21 00 00 00."
            ),
        ),
    },
    {
        "key": "projet",
        "title": "Le projet",
        "introduction": "",
        "questions": (
            _builtin("title", "Titre du projet"),
            _builtin(
                "summary",
                "Résumé",
                help_text="500 caractères au plus : il présente le projet en quelques phrases.",
                options={"max_length": 500},
            ),
            _long("description", "Description"),
            _builtin("themes", "Thématiques", help_text="Une ou plusieurs."),
            {
                "key": "stage",
                "label": "État d'avancement",
                "help_text": "",
                "kind": K.CHOICE,
                "required": True,
                "options": {
                    "choices": [
                        ["definition", "En définition"],
                        ["in_progress", "En cours de réalisation"],
                        ["completed", "Réalisé"],
                    ]
                },
            },
            _builtin("communes", "Communes du projet"),
        ),
    },
    {
        "key": "contribution",
        "title": "Contribution aux critères",
        "introduction": (
            "Expliquez ce que le projet apporte pour chacun des quatre groupes de critères de "
            "la grille d'évaluation. Les évaluateurs liront ces textes."
        ),
        "questions": (
            _long(
                "contribution_transition",
                "A. Contribution à la transition écologique et sociale",
                help_text=(
                    "Bien-être et cohésion sociale, usage responsable des ressources, "
                    "préservation des écosystèmes, résilience, implication des habitants."
                ),
                criteria=("A1", "A2", "A3", "A4", "A5"),
            ),
            _long(
                "contribution_feasibility",
                "B. Faisabilité",
                help_text=(
                    "Faisabilité technique et financière (budget, plan de financement), "
                    "partenariats."
                ),
                criteria=("B1", "B2", "B3"),
            ),
            _long(
                "contribution_diffusion",
                "C. Diffusion et exemplarité",
                help_text="Exemplarité et capacité à inspirer, stratégie de communication.",
                criteria=("C1",),
            ),
            _long(
                "contribution_innovation",
                "D. Innovation",
                help_text="Innovation technologique ou sociale.",
                criteria=("D1",),
            ),
        ),
    },
    {
        "key": "budget",
        "title": "Partenaires, budget et calendrier",
        "introduction": "",
        "questions": (
            _long("partners", "Partenaires", help_text="Les partenaires du projet et leur rôle."),
            _builtin("total_cost", "Coût total du projet (€)"),
            {
                "key": "financing_lines",
                "label": "Plan de financement",
                "help_text": (
                    "Une ligne par financeur ou source ; le total doit être égal au coût total "
                    "du projet."
                ),
                "kind": K.TABLE,
                "required": True,
                "options": {
                    "columns": [
                        {"key": "source", "label": "Financeur ou source", "kind": "text"},
                        {"key": "amount", "label": "Montant (€)", "kind": "amount"},
                        {"key": "secured", "label": "Acquis", "kind": "yesno"},
                    ],
                    "total_equals": "total_cost",
                },
                "criteria_codes": ["B2"],
            },
            _long(
                "milestones",
                "Étapes et calendrier",
                help_text="Les grandes étapes du projet et leur calendrier.",
            ),
            _long("diffusion_strategy", "Stratégie de diffusion"),
            _long("expected_support", "Accompagnement attendu du label"),
        ),
    },
    {
        "key": "pieces",
        "title": "Pièces jointes",
        "introduction": (
            "Le plan de financement est obligatoire pour le dépôt. Vous pouvez joindre aussi une "
            "présentation, des photos, des lettres de soutien."
        ),
        "questions": (
            _files("financing_plan", "Plan de financement", required=True),
            _files("presentation", "Présentation du projet"),
            _files("photos", "Photos", max_files=20),
            _files("support_letter", "Lettre de soutien"),
            _files("other", "Autre document"),
        ),
    },
    {
        "key": "consentement",
        "title": "Données personnelles",
        "introduction": "",
        "questions": (
            _builtin(
                "consent",
                (
                    "J'ai pris connaissance de cette information et j'accepte que les données "
                    "personnelles de ce dossier soient traitées pour son instruction."
                ),
            ),
        ),
    },
)


def form_rows_create(call_form, declaration=DEFAULT_FORM, *, section_model, question_model):
    """Write the sections and questions of a declaration into an empty form.

    The models are passed in so that the data migration can use its historical ones.
    """
    with transaction.atomic():
        for section_position, section in enumerate(declaration, start=1):
            row = section_model.objects.create(
                form=call_form,
                key=section["key"],
                position=section_position,
                title=section["title"],
                introduction=section["introduction"],
            )
            question_model.objects.bulk_create(
                question_model(
                    section=row,
                    position=position,
                    key=question["key"],
                    label=question["label"],
                    help_text=question.get("help_text", ""),
                    kind=str(question["kind"]),
                    required=question.get("required", False),
                    options=question.get("options", {}),
                    builtin_field=question.get("builtin_field", ""),
                    criteria_codes=list(question.get("criteria_codes", [])),
                    visible_to_reviewers=True,
                    visible_to_jury=True,
                    visible_public=question["key"] in PUBLIC_KEYS,
                )
                for position, question in enumerate(section["questions"], start=1)
            )


def form_default_create(wave, *, form_model, section_model, question_model):
    """Give a wave that has none the default form (idempotent); returns the form.

    The form and its rows are written in one transaction: a request that reads the wave's
    form at the same moment (the first applicants of a wave made without one) waits for the
    whole form, never sees it half-built.
    """
    with transaction.atomic():
        call_form, created = form_model.objects.get_or_create(wave_id=wave.pk)
        if created:
            form_rows_create(call_form, section_model=section_model, question_model=question_model)
    return call_form
