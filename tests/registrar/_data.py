"""Test data for the registrar tests: fictional registrations and stand-in services."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from pathlib import Path

from vcid._json import JsonObject
from vcid.credentials import BirthRecord, Parent, Person, PlaceOfBirth, Registration
from vcid.model import Credential
from vcid.registrar.rows import REQUIRED_COLUMNS
from vcid.report import Check

NOW = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)

#: Fictional names (a few, so rows differ).
GIVEN = ("Amara", "Lena", "Tomás", "Yusuf", "Mei", "Ilinca", "Kofi", "Sanna")
FAMILY = ("Okafor", "Rusu", "Ferreira", "Demir", "Chen", "Popescu", "Mensah", "Virtanen")
COUNTRIES = ("MD", "RO", "PT", "TR", "CN", "NG", "GH", "FI")
PARENT_COLUMNS = ("parent1_given_name", "parent1_family_name", "parent1_role")
CSV_COLUMNS = (*REQUIRED_COLUMNS, *PARENT_COLUMNS)


def registration(i: int, **changes: str) -> dict[str, str]:
    """Row ``i`` of a fictional batch (unique registration number)."""
    row = {
        "registration_number": f"BR-2025-{i:06d}",
        "registration_date": "2025-07-31",
        "registration_authority": "Civil Registry Office, District 3",
        "child_given_name": GIVEN[i % len(GIVEN)],
        "child_family_name": FAMILY[(i // 8) % len(FAMILY)],
        "birth_date": f"2025-{1 + i % 6:02d}-{1 + i % 28:02d}",
        "birth_locality": "Chisinau",
        "birth_country": COUNTRIES[i % len(COUNTRIES)],
        "sex": "FMX"[i % 3],
        "form": "long",
        "parent1_given_name": GIVEN[(i + 3) % len(GIVEN)],
        "parent1_family_name": FAMILY[(i // 8) % len(FAMILY)],
        "parent1_role": ("mother", "father", "parent")[i % 3],
    }
    row.update(changes)
    return row


def write_csv(path: Path, rows: Iterable[Mapping[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_jsonl(path: Path, rows: Iterable[Mapping[str, str]]) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row) + "\n")
    return path


def birth_record(number: str = "BR-2025-000001", **changes: object) -> BirthRecord:
    """A fictional birth record (long form, one parent)."""
    fields: dict[str, object] = {
        "child": Person(given_name="Amara", family_name="Okafor"),
        "birth_date": date(2025, 4, 12),
        "place_of_birth": PlaceOfBirth(locality="Chisinau", country="MD"),
        "sex": "F",
        "registration": Registration(
            number=number, authority="Civil Registry Office", date=date(2025, 4, 20)
        ),
        "form": "long",
        "parents": (
            Parent(person=Person(given_name="Ngozi", family_name="Okafor"), role="mother"),
        ),
    }
    fields.update(changes)
    return BirthRecord(**fields)  # type: ignore[arg-type]


class FakeAllocator:
    """Stands in for the status list store: idempotent per credential id."""

    LIST = "https://registry.example/status/1"

    def __init__(self) -> None:
        self.entries: dict[str, list[JsonObject]] = {}
        self.calls: list[str] = []

    def allocate(self, credential_id: str) -> list[JsonObject]:
        self.calls.append(credential_id)
        if credential_id not in self.entries:
            index = str(len(self.entries) + 7)
            self.entries[credential_id] = [
                {
                    "id": f"{self.LIST}#{index}",
                    "type": "BitstringStatusListEntry",
                    "statusPurpose": "revocation",
                    "statusListIndex": index,
                    "statusListCredential": self.LIST,
                }
            ]
        return [dict(e) for e in self.entries[credential_id]]


class FakeLog:
    """Stands in for the commitment log: append-only, idempotent per commitment."""

    def __init__(self) -> None:
        self.leaves: list[bytes] = []
        self.times: list[datetime] = []

    def append_credential(self, commitment: bytes, *, issued_at: datetime) -> int:
        if commitment in self.leaves:
            return self.leaves.index(commitment)
        self.leaves.append(commitment)
        self.times.append(issued_at)
        return len(self.leaves) - 1


class PassingStatus:
    """A status checker that finds every status entry in good standing."""

    def check_status(
        self, credential: Credential, *, now: datetime, environment: object = None
    ) -> tuple[Check, ...]:
        return (Check.passed("status", "not revoked (test stand-in)"),)
