"""Write the example credentials in docs/examples/ from the vcid builders.

The examples are unsigned and every person in them is fictional. Times and
ids are fixed, so the output is the same on every run; a test
(tests/credentials/test_examples.py) checks the committed files equal it.
The travel consent links the unsigned birth and guardianship examples; in
real use the links are digests of the signed credentials the holder presents.

Usage::

    python scripts/make_examples.py          # (re)write docs/examples/*.json
    python scripts/make_examples.py --check  # exit 1 if a committed file differs
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, date, datetime
from pathlib import Path

from vcid._json import JsonObject
from vcid.credentials import (
    BirthRecord,
    Companion,
    Guardian,
    Guardianship,
    Parent,
    Person,
    PlaceOfBirth,
    Registration,
    TravelConsent,
    birth_credential,
    guardianship_credential,
    travel_consent_credential,
)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "docs" / "examples"

#: The moment every example is built at.
NOW = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)
REGISTRAR = "did:web:civil-registry.example"
MOTHER = Person(
    given_name="Naledi",
    family_name="Mokoena",
    did="did:example:7d1f3b2a9c04e6",
)
FATHER = Person(
    given_name="Pieter",
    family_name="van der Berg",
    did="did:example:e4a09c3d5b7f12",
)
CHILD = Person(given_name="Lerato", family_name="van der Berg", additional_name="Anne")
CHILD_BIRTH_DATE = date(2019, 3, 14)
IDS = {
    "birth": "urn:uuid:3f1c2a7e-8d4b-4e0a-9c61-5b2d7e9f0a11",
    "guardianship": "urn:uuid:9a6e4c1d-2b7f-4d3e-8a50-c4f1e2d3b622",
    "consent": "urn:uuid:c2d8f0e4-6a1b-4f9c-b7e3-0d5a9c8e7f33",
}


def build_examples() -> dict[str, JsonObject]:
    """The three example credentials by file name."""
    registration = Registration(
        number="B-2019-0314-0042",
        authority="Civil Registry Office, Cape Town (fictional)",
        date=date(2019, 3, 20),
    )
    birth = birth_credential(
        BirthRecord(
            child=CHILD,
            birth_date=CHILD_BIRTH_DATE,
            place_of_birth=PlaceOfBirth(locality="Cape Town", region="Western Cape", country="ZA"),
            sex="F",
            registration=registration,
            form="long",
            parents=(
                Parent(person=MOTHER, role="mother", nationality="ZA"),
                Parent(person=FATHER, role="father", nationality="NL"),
            ),
            nationality="ZA",
        ),
        issuer=REGISTRAR,
        credential_id=IDS["birth"],
        now=NOW,
    )
    guardianship = guardianship_credential(
        Guardianship(
            child=CHILD,
            child_birth_date=CHILD_BIRTH_DATE,
            guardians=(
                Guardian(person=MOTHER, role="mother"),
                Guardian(person=FATHER, role="father"),
            ),
            basis="parentage",
            custody="joint",
            permissions=("travel", "consentToTravel", "applyForTravelDocument"),
        ),
        issuer=REGISTRAR,
        birth_credential=birth,
        credential_id=IDS["guardianship"],
        now=NOW,
    )
    consent = travel_consent_credential(
        TravelConsent(
            child=CHILD,
            child_birth_date=CHILD_BIRTH_DATE,
            registration=Registration(number=registration.number, authority=registration.authority),
            consenting_guardian=Guardian(person=FATHER, role="father"),
            accompanied_by=(Companion(person=MOTHER, relationship="mother"),),
            destinations=("NL", "BE"),
            travel_start=date(2026, 2, 10),
            travel_end=date(2026, 3, 1),
        ),
        issuer=FATHER.did or "",
        birth_credential=birth,
        guardianship_credential=guardianship,
        credential_id=IDS["consent"],
        now=NOW,
    )
    return {
        "birth-credential.json": birth,
        "guardianship-credential.json": guardianship,
        "travel-consent-credential.json": consent,
    }


def render(document: JsonObject) -> str:
    """The committed text of an example: two-space JSON, UTF-8, final newline."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare, write nothing")
    args = parser.parse_args(argv)
    differ = []
    for name, document in build_examples().items():
        path = EXAMPLES / name
        text = render(document)
        if args.check:
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                differ.append(name)
            continue
        EXAMPLES.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".json.tmp")
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(path)
        print(f"wrote {path.relative_to(ROOT)}")
    if differ:
        print("differs from the builders: " + ", ".join(differ), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
