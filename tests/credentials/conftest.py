"""Fictional facts for the registrar credential tests, and the credentials built from them."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

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
)

NOW = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)
REGISTRAR = "did:web:civil-registry.example"
MOTHER = Person(given_name="Naledi", family_name="Mokoena", did="did:example:mother01")
FATHER = Person(given_name="Pieter", family_name="van der Berg", did="did:example:father02")
AUNT = Person(given_name="Thandi", family_name="Mokoena", did="did:example:aunt03")
CHILD = Person(given_name="Lerato", family_name="van der Berg")
BIRTH_DATE = date(2019, 3, 14)
REGISTRATION = Registration(
    number="B-2019-0314-0042", authority="Civil Registry Office, Cape Town", date=date(2019, 3, 20)
)


def birth_record(**changes: object) -> BirthRecord:
    """A long-form birth record naming both parents, with ``changes`` applied."""
    fields: dict[str, object] = {
        "child": CHILD,
        "birth_date": BIRTH_DATE,
        "place_of_birth": PlaceOfBirth(locality="Cape Town", region="Western Cape", country="ZA"),
        "sex": "F",
        "registration": REGISTRATION,
        "form": "long",
        "parents": (
            Parent(person=MOTHER, role="mother"),
            Parent(person=FATHER, role="father"),
        ),
    }
    fields.update(changes)
    return BirthRecord(**fields)  # type: ignore[arg-type]


def arrangement(**changes: object) -> Guardianship:
    """Joint custody of both parents by parentage, with ``changes`` applied."""
    fields: dict[str, object] = {
        "child": CHILD,
        "child_birth_date": BIRTH_DATE,
        "guardians": (
            Guardian(person=MOTHER, role="mother"),
            Guardian(person=FATHER, role="father"),
        ),
        "basis": "parentage",
        "custody": "joint",
        "permissions": ("travel", "consentToTravel"),
    }
    fields.update(changes)
    return Guardianship(**fields)  # type: ignore[arg-type]


def consent(**changes: object) -> TravelConsent:
    """The father consents to a trip with the mother, with ``changes`` applied."""
    fields: dict[str, object] = {
        "child": CHILD,
        "child_birth_date": BIRTH_DATE,
        "registration": Registration(number=REGISTRATION.number, authority=REGISTRATION.authority),
        "consenting_guardian": Guardian(person=FATHER, role="father"),
        "accompanied_by": (Companion(person=MOTHER, relationship="mother"),),
        "destinations": ("NL", "BE"),
        "travel_start": date(2026, 2, 10),
        "travel_end": date(2026, 3, 1),
    }
    fields.update(changes)
    return TravelConsent(**fields)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def birth() -> JsonObject:
    """The unsigned birth credential of the fictional child."""
    return birth_credential(birth_record(), issuer=REGISTRAR, now=NOW)


@pytest.fixture(scope="session")
def guardianship(birth: JsonObject) -> JsonObject:
    """The unsigned joint guardianship credential linking ``birth``."""
    return guardianship_credential(arrangement(), issuer=REGISTRAR, birth_credential=birth, now=NOW)
