"""Test data for the registrar tests: fictional registrations and stand-in services."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
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


#: A name that only damaged rows carry: it must never appear in a message.
SECRET_NAME = "Zamfirescu-Secretname"
#: The kinds of damage a batch file may carry, each at the start, middle and end.
DAMAGE = (
    "bom",
    "not-utf8",
    "long-line",
    "long-field",
    "broken-quoting",
    "quoted-newlines",
)


@dataclass(frozen=True)
class DamagedBatch:
    """A batch file with every kind of damage, and what a batch must make of it."""

    path: Path
    good: frozenset[str]  # registration numbers that must be issued, once each
    rejected_lines: frozenset[int]  # lines the rejects file must name


def _csv_line(row: Mapping[str, str]) -> str:
    buffer = io.StringIO()
    csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n").writerow(row)
    return buffer.getvalue()


def _damaged(i: int, kind: str, fmt: str, line: int) -> tuple[bytes, list[int], bool]:
    """Row ``i`` with damage ``kind``: its bytes, the lines rejected, whether it is issued."""
    row = registration(i, child_given_name=SECRET_NAME)
    encode = _csv_line if fmt == "csv" else (lambda r: json.dumps(r, ensure_ascii=False) + "\n")
    if kind == "not-utf8":
        data = encode(row).encode().replace(SECRET_NAME.encode(), b"Zamfir\xe9scu")
        return data, [line], False
    if kind == "long-line":
        return encode({**row, "birth_locality": "x" * 70_000}).encode(), [line], False
    if kind == "long-field":  # within the line limit, over the schema's name limit
        return encode({**row, "child_family_name": "Secretname" * 101}).encode(), [line], False
    if kind == "broken-quoting":
        text = encode(row)
        if fmt == "csv":
            text = text.replace(SECRET_NAME, f'"{SECRET_NAME}" Jr')  # text after a quote
        else:
            text = text.replace(f'"{SECRET_NAME}"', f'"{SECRET_NAME}')  # a string not closed
        return text.encode(), [line], False
    if kind == "quoted-newlines":  # a 10 MB value of line breaks (blank lines inside)
        filler = (" " * 65_000 + "\n") * 160
        if fmt == "csv":
            text = _csv_line({**row, "child_given_name": "#"}).replace("#", f'"{filler}"', 1)
        else:
            text = encode({**row, "child_given_name": "#"}).replace('"#"', f'"{filler}"', 1)
        return text.encode(), [line, line + 160], False
    assert kind == "bom"  # a byte order mark: fine on line 1, a rejected row elsewhere
    data = b"\xef\xbb\xbf" + encode(registration(i)).encode()
    return data, ([] if line == 1 else [line]), line == 1


def write_damaged(path: Path, rows: int = 10_000) -> DamagedBatch:
    """``rows`` registrations, CSV or JSON Lines by suffix, every kind of damage
    at the start, the middle and the end."""
    fmt = "csv" if path.suffix == ".csv" else "jsonl"
    starts = (0, rows // 2, rows - len(DAMAGE))
    damaged = {start + k: kind for start in starts for k, kind in enumerate(DAMAGE)}
    if fmt == "csv":  # the BOM at the start belongs before the header
        damaged.pop(DAMAGE.index("bom"))
    good: set[str] = set()
    rejected: set[int] = set()
    line = 1
    with path.open("wb") as handle:
        if fmt == "csv":
            handle.write(b"\xef\xbb\xbf" + ",".join(CSV_COLUMNS).encode() + b"\n")
            line = 2
        for i in range(rows):
            kind = damaged.get(i)
            lines: list[int] = []
            if kind is None:
                if fmt == "csv":
                    data = _csv_line(registration(i)).encode()
                else:
                    data = (json.dumps(registration(i)) + "\n").encode()
                issued = True
            else:
                data, lines, issued = _damaged(i, kind, fmt, line)
            handle.write(data)
            if issued:
                good.add(f"BR-2025-{i:06d}")
            rejected.update(lines)
            line += data.count(b"\n")
    return DamagedBatch(path, frozenset(good), frozenset(rejected))
