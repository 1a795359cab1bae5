"""Birth registrations as rows: the columns of a batch file, CSV or JSON Lines.

A batch file holds one birth registration per row, with the columns of
:data:`COLUMNS` (``docs/registrar.md`` documents each one). A CSV file has
a header row naming its columns (any order; optional columns may be left
out); a JSON Lines file has one JSON object per line whose members are the
columns, each a string or ``null``. Empty values count as absent.

Row numbers: in a CSV file the first row after the header is row 1 (blank
lines are skipped and not counted); in a JSON Lines file the row number is
the line number. Errors name the column and the rule, never the value.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Final, cast

from vcid import _json
from vcid.credentials import BirthRecord, Parent, Person, PlaceOfBirth, Registration
from vcid.credentials.types import CertificateForm, ParentRole, Sex
from vcid.errors import RegistrationRowError, UsageError, VcidError

#: Columns every registration needs (the CSV header must name them all).
REQUIRED_COLUMNS: Final[tuple[str, ...]] = (
    "registration_number",
    "registration_date",
    "registration_authority",
    "child_given_name",
    "child_family_name",
    "birth_date",
    "birth_locality",
    "birth_country",
    "sex",
    "form",
)
#: The most legal parents a row may name (``parent1_...`` to ``parent4_...``).
MAX_PARENTS: Final = 4
_PARENT_FIELDS: Final = (
    "given_name",
    "family_name",
    "additional_name",
    "role",
    "did",
    "nationality",
)
#: Columns that may be left out or empty.
OPTIONAL_COLUMNS: Final[tuple[str, ...]] = (
    "child_additional_name",
    "child_did",
    "birth_region",
    "nationality",
    *(f"parent{i}_{field}" for i in range(1, MAX_PARENTS + 1) for field in _PARENT_FIELDS),
)
COLUMNS: Final[frozenset[str]] = frozenset(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)
#: The longest value of one column, in characters.
MAX_VALUE_LENGTH: Final = 2048
#: The longest line of a JSON Lines file, in bytes.
MAX_LINE_BYTES: Final = 64 * 1024
#: The most rows one batch file may hold.
MAX_ROWS: Final = 1_000_000
_DATE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True, slots=True, kw_only=True)
class RegistrationRow:
    """One row of a batch file.

    :param row: its row number (see the module docstring).
    :param values: column -> value; absent and empty values are ``None``.
    :param error: why the row cannot be read at all (a JSON Lines line that
        is not an object, say); such a row is rejected as it is.
    """

    row: int
    values: Mapping[str, str | None]
    error: VcidError | None = None

    @property
    def registration_number(self) -> str | None:
        """The registration number, if the row has a usable one."""
        value = self.values.get("registration_number")
        return value if value is not None and len(value) <= 256 else None


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


def _check_header(header: list[str]) -> list[str]:
    names = [name.strip().lower() for name in header]
    if len(names) > len(COLUMNS):
        raise UsageError(f"the header has {len(names)} columns; at most {len(COLUMNS)} are known")
    unknown = sorted({n for n in names if n not in COLUMNS})
    if unknown:
        raise UsageError(f"unknown column(s) in the header: {', '.join(unknown[:5])}")
    if len(set(names)) != len(names):
        raise UsageError("a column is named twice in the header")
    missing = [n for n in REQUIRED_COLUMNS if n not in names]
    if missing:
        raise UsageError(f"the header lacks required column(s): {', '.join(missing)}")
    return names


def _bounded_lines(handle: io.TextIOBase, path: Path) -> Iterator[str]:
    """The file's lines, refusing one longer than :data:`MAX_LINE_BYTES` characters."""
    while line := handle.readline(MAX_LINE_BYTES + 1):
        if len(line) > MAX_LINE_BYTES:
            raise UsageError(f"{path}: a line is longer than {MAX_LINE_BYTES} characters")
        yield line


def _csv_rows(path: Path) -> Iterator[RegistrationRow]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(_bounded_lines(handle, path), strict=True)
        try:
            header = next(reader, None)
            if header is None:
                raise UsageError(f"{path}: the CSV file is empty (no header)")
            names = _check_header(header)
            number = 0
            for record in reader:
                if not any(field.strip() for field in record):
                    continue
                number += 1
                if number > MAX_ROWS:
                    raise UsageError(f"{path}: more than {MAX_ROWS} rows")
                if len(record) != len(names):
                    yield RegistrationRow(
                        row=number,
                        values={},
                        error=RegistrationRowError(
                            f"the row has {len(record)} fields; the header has {len(names)}"
                        ),
                    )
                    continue
                yield RegistrationRow(
                    row=number,
                    values={n: _clean(v) for n, v in zip(names, record, strict=True)},
                )
        except csv.Error as exc:
            raise UsageError(f"{path}: not valid CSV at line {reader.line_num}: {exc}") from None
        except UnicodeDecodeError:
            raise UsageError(f"{path}: not UTF-8 text") from None


def _jsonl_row(number: int, line: bytes) -> RegistrationRow:
    try:
        document = _json.load_object(line, max_bytes=MAX_LINE_BYTES)
    except VcidError:
        return RegistrationRow(
            row=number, values={}, error=RegistrationRowError("the line is not a JSON object")
        )
    values: dict[str, str | None] = {}
    for name, value in document.items():
        if name not in COLUMNS:
            return RegistrationRow(
                row=number,
                values={},
                error=RegistrationRowError(f"unknown column {name[:64]!r}"),
            )
        if value is not None and not isinstance(value, str):
            return RegistrationRow(
                row=number,
                values={},
                error=RegistrationRowError(f"{name}: must be a string or null"),
            )
        values[name] = _clean(value)
    return RegistrationRow(row=number, values=values)


def _jsonl_rows(path: Path) -> Iterator[RegistrationRow]:
    with path.open("rb") as handle:
        number = 0
        while line := handle.readline(MAX_LINE_BYTES + 1):
            number += 1
            if number > MAX_ROWS:
                raise UsageError(f"{path}: more than {MAX_ROWS} rows")
            if len(line) > MAX_LINE_BYTES:
                while line and not line.endswith(b"\n"):  # skip the rest, bounded reads
                    line = handle.readline(MAX_LINE_BYTES + 1)
                yield RegistrationRow(
                    row=number, values={}, error=RegistrationRowError("the line is too long")
                )
                continue
            if not line.strip():
                continue
            yield _jsonl_row(number, line)


def read_registrations(path: str | Path) -> Iterator[RegistrationRow]:
    """The rows of a batch file, by its suffix: ``.csv`` or ``.jsonl``.

    Rows that cannot be read carry an ``error`` and are yielded all the same
    (the batch rejects them and goes on).

    :raises UsageError: if the file cannot be read, its suffix is neither,
        its CSV header is wrong (an unknown, repeated or missing column), it
        is not valid CSV or UTF-8, or it has more than :data:`MAX_ROWS` rows.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in {".csv", ".jsonl"}:
        raise UsageError(f"{path}: a batch file must end in .csv or .jsonl")
    if not path.is_file():
        raise UsageError(f"cannot read {path}: not a file")
    try:
        if suffix == ".csv":
            yield from _csv_rows(path)
        else:
            yield from _jsonl_rows(path)
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None


# --- a row to a birth record -------------------------------------------------


class _Values:
    """Typed access to one row's values; errors name the column."""

    __slots__ = ("_values",)

    def __init__(self, values: Mapping[str, str | None]) -> None:
        self._values = values

    def optional(self, name: str) -> str | None:
        value = self._values.get(name)
        if value is not None and len(value) > MAX_VALUE_LENGTH:
            raise RegistrationRowError(f"{name}: longer than {MAX_VALUE_LENGTH} characters")
        return value

    def required(self, name: str) -> str:
        value = self.optional(name)
        if value is None:
            raise RegistrationRowError(f"{name}: required")
        return value

    def date(self, name: str) -> date:
        value = self.required(name)
        if _DATE.fullmatch(value) is None:
            raise RegistrationRowError(f"{name}: must be a date as YYYY-MM-DD")
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise RegistrationRowError(f"{name}: not a calendar date") from None


def _parent(values: _Values, index: int) -> Parent | None:
    prefix = f"parent{index}_"
    if all(values.optional(prefix + field) is None for field in _PARENT_FIELDS):
        return None
    person = Person(
        given_name=values.required(prefix + "given_name"),
        family_name=values.required(prefix + "family_name"),
        additional_name=values.optional(prefix + "additional_name"),
        did=values.optional(prefix + "did"),
    )
    return Parent(
        person=person,
        role=cast(ParentRole, values.required(prefix + "role")),
        nationality=values.optional(prefix + "nationality"),
    )


def birth_record(row: RegistrationRow) -> BirthRecord:
    """The :class:`~vcid.credentials.types.BirthRecord` a row describes.

    Only the row's shape is checked here (required columns present, dates
    that are dates); the builder checks the facts (a birth date in the
    future, an unknown country or sex code).

    :raises RegistrationRowError: naming the column at fault.
    """
    if row.error is not None:
        raise row.error
    values = _Values(row.values)
    parents = tuple(
        parent
        for parent in (_parent(values, i) for i in range(1, MAX_PARENTS + 1))
        if parent is not None
    )
    return BirthRecord(
        child=Person(
            given_name=values.required("child_given_name"),
            family_name=values.required("child_family_name"),
            additional_name=values.optional("child_additional_name"),
            did=values.optional("child_did"),
        ),
        birth_date=values.date("birth_date"),
        place_of_birth=PlaceOfBirth(
            locality=values.required("birth_locality"),
            country=values.required("birth_country"),
            region=values.optional("birth_region"),
        ),
        sex=cast(Sex, values.required("sex")),
        registration=Registration(
            number=values.required("registration_number"),
            authority=values.required("registration_authority"),
            date=values.date("registration_date"),
        ),
        form=cast(CertificateForm, values.required("form")),
        parents=parents,
        nationality=values.optional("nationality"),
    )


def csv_header() -> str:
    """A CSV header line naming every column, required ones first."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)
    return buffer.getvalue()


__all__ = [
    "COLUMNS",
    "MAX_ROWS",
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "RegistrationRow",
    "birth_record",
    "csv_header",
    "read_registrations",
]
