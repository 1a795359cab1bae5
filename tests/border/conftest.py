"""Border test helpers: a family's genuine credentials, made with vcid's builders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest

from vcid import KeyFile, KeyType
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
from vcid.issuer import issue

NOW = datetime(2026, 7, 1, 8, 0, tzinfo=UTC)
BORN = date(2019, 4, 12)


@dataclass
class Family:
    registrar: KeyFile
    mother: KeyFile
    father: KeyFile
    stranger: KeyFile
    birth: JsonObject
    guardianship: JsonObject
    consent: JsonObject


@pytest.fixture(scope="module")
def family() -> Family:
    registrar, mother_key, father_key, stranger = (
        KeyFile.generate(KeyType.ED25519) for _ in range(4)
    )
    mother = Person(given_name="Ngozi", family_name="Okafor", did=mother_key.controller)
    father = Person(given_name="Emeka", family_name="Okafor", did=father_key.controller)
    child = Person(given_name="Amara", family_name="Okafor")
    registration = Registration(number="MD-2019-004512", date=date(2019, 4, 20), authority="CR")
    birth = issue(
        birth_credential(
            BirthRecord(
                child=child,
                birth_date=BORN,
                place_of_birth=PlaceOfBirth(locality="Chisinau", country="MD"),
                sex="F",
                registration=registration,
                form="long",
                parents=(
                    Parent(person=mother, role="mother"),
                    Parent(person=father, role="father"),
                ),
            ),
            issuer=registrar.controller,
            now=NOW - timedelta(days=30),
        ),
        key=registrar,
    )
    guardianship = issue(
        guardianship_credential(
            Guardianship(
                child=child,
                child_birth_date=BORN,
                guardians=(
                    Guardian(person=mother, role="mother"),
                    Guardian(person=father, role="father"),
                ),
                basis="parentage",
                custody="joint",
                permissions=("travel", "consentToTravel"),
            ),
            issuer=registrar.controller,
            birth_credential=birth,
            now=NOW - timedelta(days=30),
        ),
        key=registrar,
    )
    consent = issue(
        travel_consent_credential(
            TravelConsent(
                child=child,
                child_birth_date=BORN,
                registration=Registration(
                    number=registration.number, authority=registration.authority
                ),
                consenting_guardian=Guardian(person=father, role="father"),
                accompanied_by=(Companion(person=mother, relationship="mother"),),
                destinations=("RO",),
                travel_start=NOW.date(),
                travel_end=NOW.date() + timedelta(days=20),
            ),
            issuer=father_key.controller,
            birth_credential=birth,
            guardianship_credential=guardianship,
            now=NOW - timedelta(days=2),
        ),
        key=father_key,
    )
    return Family(registrar, mother_key, father_key, stranger, birth, guardianship, consent)
