"""The territory of the Pôle Métropolitain de l'Artois: its communes, from the bundled CSV."""

import csv
import re
from pathlib import Path

COMMUNES_CSV = Path(__file__).resolve().parent / "data" / "communes.csv"
_EPCI_CODE = re.compile(r"\((CALL|CAHC|CABBALR)\)")


def read_communes(path=COMMUNES_CSV):
    """Yield dicts (insee_code, name, epci, population) from a communes CSV file."""
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            match = _EPCI_CODE.search(row["epci"])
            if match is None:
                raise ValueError(f"Unknown agglomeration in {path}: {row['epci']!r}")
            yield {
                "insee_code": row["insee_code"].strip(),
                "name": row["commune"].strip(),
                "epci": match.group(1),
                "population": int(row["population"]) if row["population"].strip() else None,
            }


def communes_load(commune_model, path=COMMUNES_CSV):
    """Create or update every commune of the file; return how many rows were read.

    Takes the model as an argument so that a data migration can pass its historical model.
    """
    count = 0
    for row in read_communes(path):
        insee_code = row.pop("insee_code")
        commune_model.objects.update_or_create(insee_code=insee_code, defaults=row)
        count += 1
    return count
