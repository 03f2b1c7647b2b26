"""Field validators of the dossier: the SIRET check now lives on the floor (label), where the
call's form (callforms) uses it too; it is imported here so that models and migrations keep
their path."""

from label.validators import validate_siret  # noqa: F401
