"""Birth registrations as rows: the columns of a batch file, CSV or JSON Lines.

A batch file holds one birth registration per line, with the columns of
:data:`COLUMNS` (``docs/registrar.md`` documents each one). A CSV file has
a header line naming its columns (any order; optional columns may be left
out); a JSON Lines file has one JSON object per line whose members are the
columns, each a string or ``null``. Empty values count as absent. A UTF-8
byte order mark is allowed at the start of either.

Every line is read on its own, in bounded reads, so one damaged line is one
damaged row and never more: a line over :data:`MAX_LINE_BYTES`, bytes that
are not UTF-8, a byte order mark after the first line, broken CSV quoting
(a value cannot hold a line break; the schema forbids control characters
anyway) or a line that is not a JSON object is a row with an ``error``,
which the batch rejects before going on. Only what makes the file as a
whole unusable stops it (:class:`~vcid.errors.UsageError`, naming the file
and the line): an empty file, a bad CSV header, no JSON object on any
line, more than :data:`MAX_ROWS` rows.

Row numbers: in a CSV file the first line after the header is row 1 (blank
lines are skipped and not counted); in a JSON Lines file the row number is
the line number. Every row also carries its line number. Errors name the
column and the rule, never the value.
"""

from __future__ import annotations

import csv
import difflib
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Final, cast

from vcid import _json
from vcid.credentials import BirthRecord, Parent, Person, PlaceOfBirth, Registration
from vcid.credentials.limits import string_rule
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
#: The longest line of a batch file (either format), in bytes, its line break included.
MAX_LINE_BYTES: Final = 64 * 1024
#: The most rows one batch file may hold.
MAX_ROWS: Final = 1_000_000
_BOM: Final = b"\xef\xbb\xbf"
# The schema's types of a registration number and a date (schemas/vcid-defs-v1.json).
_IDENTIFIER: Final = string_rule("identifier")
_DATE: Final = string_rule("date")


@dataclass(frozen=True, slots=True, kw_only=True)
class RegistrationRow:
    """One row of a batch file.

    :param row: its row number (see the module docstring).
    :param values: column -> value; absent and empty values are ``None``.
    :param error: why the row cannot be read at all (a line that is not
        UTF-8, too long, or not a JSON object, say); such a row is rejected
        as it is.
    :param line: the line number it is on (the row number when not given).
    """

    row: int
    values: Mapping[str, str | None]
    error: VcidError | None = None
    line: int = 0

    @property
    def line_number(self) -> int:
        """The line of the file the row is on."""
        return self.line or self.row

    @property
    def registration_number(self) -> str | None:
        """The registration number, if the row has one the schema would accept."""
        value = self.values.get("registration_number")
        if value is None or _IDENTIFIER.max_length is None:
            return None
        if len(value) > _IDENTIFIER.max_length or _IDENTIFIER.failed(value) is not None:
            return None
        return value


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


def _unreadable(row: int, line: int, rule: str) -> RegistrationRow:
    return RegistrationRow(row=row, line=line, values={}, error=RegistrationRowError(rule))


def _lines(handle: IO[bytes]) -> Iterator[tuple[int, bytes | None]]:
    """(line number, the line without its line break) for each line, in bounded reads.

    A line longer than :data:`MAX_LINE_BYTES` is read to its end in bounded
    pieces and given as ``None``.
    """
    number = 0
    while data := handle.readline(MAX_LINE_BYTES + 1):
        number += 1
        if len(data) > MAX_LINE_BYTES:
            while data and not data.endswith(b"\n"):
                data = handle.readline(MAX_LINE_BYTES + 1)
            yield number, None
            continue
        if data.endswith(b"\n"):
            data = data[:-1]
        if data.endswith(b"\r"):
            data = data[:-1]
        yield number, data


_TOO_LONG: Final = f"the line is longer than {MAX_LINE_BYTES:,} bytes"


def _decode(number: int, data: bytes) -> str:
    """The line as text; a byte order mark is allowed on line 1 only.

    :raises RegistrationRowError: naming the rule broken.
    """
    if data.startswith(_BOM):
        if number != 1:
            raise RegistrationRowError("the line starts with a byte order mark (U+FEFF)")
        data = data[len(_BOM) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise RegistrationRowError("the line is not UTF-8 text") from None


def _csv_fields(text: str) -> list[str]:
    """One line's CSV fields.

    :raises RegistrationRowError: for broken quoting.
    """
    try:
        return next(csv.reader((text,), strict=True), [])
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            raise RegistrationRowError(
                "a quoted value is not closed on its line (a value cannot hold a line break)"
            ) from None
        raise RegistrationRowError(
            "broken quoting (a quote inside an unquoted value, or text after a closing quote)"
        ) from None


def _check_header(path: Path, header: list[str]) -> list[str]:
    names = [name.strip().lower() for name in header]
    where = f"{path}: line 1: the CSV header"
    if len(names) > len(COLUMNS):
        raise UsageError(f"{where} has {len(names)} columns; at most {len(COLUMNS)} are known")
    unknown = [index for index, name in enumerate(names, 1) if name not in COLUMNS]
    if unknown:
        # Positions and known names only: a file without a header would
        # otherwise put a child's data in the message.
        hints = sorted(
            {m for n in names for m in difflib.get_close_matches(n, COLUMNS, n=1, cutoff=0.8)}
            - set(names)
        )
        hint = f" (did you mean {', '.join(hints[:3])}?)" if hints else ""
        positions = ", ".join(str(i) for i in unknown[:5])
        raise UsageError(f"{where} has unknown column(s) at position {positions}{hint}")
    if len(set(names)) != len(names):
        raise UsageError(f"{where} names a column twice")
    missing = [n for n in REQUIRED_COLUMNS if n not in names]
    if missing:
        raise UsageError(f"{where} lacks required column(s): {', '.join(missing)}")
    return names


def _csv_header(path: Path, lines: Iterator[tuple[int, bytes | None]]) -> list[str]:
    first = next(lines, None)
    if first is None:
        raise UsageError(f"{path}: the file is empty (no CSV header)")
    number, data = first
    if data is None:
        raise UsageError(f"{path}: line 1: {_TOO_LONG}: not a CSV header")
    try:
        return _check_header(path, _csv_fields(_decode(number, data)))
    except RegistrationRowError as exc:
        raise UsageError(f"{path}: line 1: {exc}: not a CSV header") from None


def _csv_rows(path: Path, handle: IO[bytes]) -> Iterator[RegistrationRow]:
    lines = _lines(handle)
    names = _csv_header(path, lines)
    row = 0
    for number, data in lines:
        if data is not None and not data.strip():
            continue
        fields: list[str] | None = None
        problem: str | None = _TOO_LONG if data is None else None
        if data is not None:
            try:
                fields = _csv_fields(_decode(number, data))
            except RegistrationRowError as exc:
                problem = str(exc)
        if fields is not None and not any(field.strip() for field in fields):
            continue
        row += 1
        if row > MAX_ROWS:
            raise UsageError(f"{path}: line {number}: more than {MAX_ROWS:,} rows")
        if fields is None:
            yield _unreadable(row, number, problem or _TOO_LONG)
        elif len(fields) != len(names):
            yield _unreadable(
                row, number, f"the row has {len(fields)} fields; the header has {len(names)}"
            )
        else:
            values = {n: _clean(v) for n, v in zip(names, fields, strict=True)}
            yield RegistrationRow(row=row, line=number, values=values)


def _jsonl_row(number: int, data: bytes) -> tuple[RegistrationRow, bool]:
    """The row on one line, and whether the line is a JSON object at all."""
    try:
        document = _json.load_object(_decode(number, data), max_bytes=MAX_LINE_BYTES)
    except RegistrationRowError as exc:
        return _unreadable(number, number, str(exc)), False
    except VcidError:
        return _unreadable(number, number, "the line is not a JSON object"), False
    values: dict[str, str | None] = {}
    for name, value in document.items():
        if name not in COLUMNS:  # never echoed: it might be a child's data
            return _unreadable(number, number, "unknown column (a member is not a column)"), True
        if value is not None and not isinstance(value, str):
            return _unreadable(number, number, f"{name}: must be a string or null"), True
        values[name] = _clean(value)
    return RegistrationRow(row=number, line=number, values=values), True


def _jsonl_rows(path: Path, handle: IO[bytes]) -> Iterator[RegistrationRow]:
    rows = objects = 0
    for number, data in _lines(handle):
        if data is not None and not data.strip():
            continue
        rows += 1
        if rows > MAX_ROWS:
            raise UsageError(f"{path}: line {number}: more than {MAX_ROWS:,} rows")
        if data is None:
            yield _unreadable(number, number, _TOO_LONG)
            continue
        row, is_object = _jsonl_row(number, data)
        objects += is_object
        yield row
    if rows == 0:
        raise UsageError(f"{path}: the file is empty (no JSON Lines rows)")
    if objects == 0:
        raise UsageError(f"{path}: no line is a JSON object: not a JSON Lines file")


def read_registrations(path: str | Path) -> Iterator[RegistrationRow]:
    """The rows of a batch file, by its suffix: ``.csv`` or ``.jsonl``.

    Rows that cannot be read carry an ``error`` and are yielded all the same
    (the batch rejects them and goes on). A problem of the whole file is
    raised when it is met: the header at once, the others at the line they
    are met or at the end (the batch counts every row before issuing any).

    :raises UsageError: if the file is missing, a folder or not readable,
        its suffix is neither, its CSV header is wrong (unreadable, an
        unknown, repeated or missing column), it is empty (only blank
        lines), no line of a JSON Lines file is a JSON object, or it has more than
        :data:`MAX_ROWS` rows; the message names the file and the line.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in {".csv", ".jsonl"}:
        raise UsageError(f"{path}: a batch file must end in .csv or .jsonl")
    if not path.is_file():
        raise UsageError(f"cannot read {path}: not a file")
    try:
        with path.open("rb") as handle:
            if suffix == ".csv":
                yield from _csv_rows(path, handle)
            else:
                yield from _jsonl_rows(path, handle)
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None


# --- a row to a birth record -------------------------------------------------


class _Values:
    """Typed access to one row's values; errors name the column."""

    __slots__ = ("_values",)

    def __init__(self, values: Mapping[str, str | None]) -> None:
        self._values = values

    def optional(self, name: str) -> str | None:
        return self._values.get(name)

    def required(self, name: str) -> str:
        value = self.optional(name)
        if value is None:
            raise RegistrationRowError(f"{name}: required")
        return value

    def date(self, name: str) -> date:
        value = self.required(name)
        if _DATE.failed(value) is not None:
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
    "MAX_LINE_BYTES",
    "MAX_ROWS",
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "RegistrationRow",
    "birth_record",
    "csv_header",
    "read_registrations",
]
