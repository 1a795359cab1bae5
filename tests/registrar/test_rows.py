"""Batch files: the columns of a birth registration, in CSV and JSON Lines."""

from __future__ import annotations

import contextlib
import csv
import json
import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.registrar._data import (
    CSV_COLUMNS,
    SECRET_NAME,
    registration,
    write_csv,
    write_damaged,
    write_jsonl,
)
from vcid.credentials.limits import max_length
from vcid.errors import RegistrationRowError, UsageError
from vcid.registrar.rows import (
    COLUMNS,
    MAX_LINE_BYTES,
    MAX_ROWS,
    REQUIRED_COLUMNS,
    RegistrationRow,
    birth_record,
    csv_header,
    read_registrations,
)


def test_csv_rows_become_birth_records(tmp_path: Path) -> None:
    """Each CSV row is a registration; the record carries every column's value."""
    path = write_csv(tmp_path / "in.csv", [registration(1), registration(2)])
    rows = list(read_registrations(path))
    assert [r.row for r in rows] == [1, 2]
    record = birth_record(rows[0])
    assert record.registration.number == "BR-2025-000001"
    assert record.registration.date == date(2025, 7, 31)
    assert record.birth_date == date(2025, 2, 2)
    assert record.place_of_birth.country == "RO"
    assert record.parents[0].person.given_name == registration(1)["parent1_given_name"]
    assert record.parents[0].role == "father"


def test_jsonl_rows_match_csv_rows(tmp_path: Path) -> None:
    """The same registrations read the same from JSON Lines; row numbers are line numbers."""
    data = [registration(1), registration(2)]
    csv_rows = list(read_registrations(write_csv(tmp_path / "in.csv", data)))
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(data[0]) + "\n\n" + json.dumps(data[1]) + "\n")
    jsonl_rows = list(read_registrations(path))
    assert [r.row for r in jsonl_rows] == [1, 3]
    assert [birth_record(r) for r in jsonl_rows] == [birth_record(r) for r in csv_rows]


def test_optional_columns_and_blank_lines(tmp_path: Path) -> None:
    """Optional columns may be left out of the header; blank CSV lines are not rows."""
    path = tmp_path / "in.csv"
    row = {k: v for k, v in registration(5).items() if k in REQUIRED_COLUMNS}
    row["form"] = "short"
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=REQUIRED_COLUMNS)
        writer.writeheader()
        handle.write("\r\n , ,\r\n")
        writer.writerow(row)
    rows = list(read_registrations(path))
    assert [r.row for r in rows] == [1]
    record = birth_record(rows[0])
    assert record.parents == ()
    assert record.child.did is None


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ([*CSV_COLUMNS, "favourite_colour"], "unknown column"),
        ([c for c in CSV_COLUMNS if c != "birth_date"], "lacks required"),
        ([*CSV_COLUMNS, "sex"], "twice"),
    ],
)
def test_bad_header_is_a_usage_error(tmp_path: Path, header: list[str], message: str) -> None:
    """A header with an unknown, missing or repeated column stops the batch before any row."""
    path = tmp_path / "in.csv"
    path.write_text(",".join(header) + "\n")
    with pytest.raises(UsageError, match=message):
        list(read_registrations(path))


def test_unreadable_files_are_usage_errors(tmp_path: Path) -> None:
    """A missing file, a folder, a wrong suffix, an empty file or a header that is not
    UTF-8 are usage errors naming the file; a non-UTF-8 row is a row error."""
    with pytest.raises(UsageError):
        list(read_registrations(tmp_path / "missing.csv"))
    other = tmp_path / "in.txt"
    other.write_text("x")
    with pytest.raises(UsageError, match=r"\.csv or \.jsonl"):
        list(read_registrations(other))
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(UsageError, match="empty"):
        list(read_registrations(empty))
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    with pytest.raises(UsageError, match="not a file"):
        list(read_registrations(folder))
    for name in ("empty.jsonl", "blank.jsonl"):
        (tmp_path / name).write_text("" if name == "empty.jsonl" else "\n \n")
        with pytest.raises(UsageError, match="empty"):
            list(read_registrations(tmp_path / name))
    latin_header = tmp_path / "latin-header.csv"
    latin_header.write_bytes(b"registration_num\xe9ro\n")
    with pytest.raises(UsageError, match=r"latin-header.csv: line 1: .*UTF-8"):
        list(read_registrations(latin_header))
    latin = tmp_path / "latin.csv"
    latin.write_bytes(csv_header().encode() + b"\xe9\xe9\n")
    (row,) = read_registrations(latin)
    assert (row.row, row.line) == (1, 2)
    with pytest.raises(RegistrationRowError, match="UTF-8"):
        birth_record(row)


def test_a_file_that_is_no_batch_at_all_stops(tmp_path: Path) -> None:
    """No header (a data row first), or no JSON object on any line: one error, no data."""
    headless = tmp_path / "headless.csv"
    headless.write_text("BR-1,2025-01-01,Office,Amarachi,Okafor,2025-01-01,Town,MD,F,short\n")
    with pytest.raises(UsageError) as caught:
        list(read_registrations(headless))
    assert "line 1" in str(caught.value)
    assert "Amarachi" not in str(caught.value)
    typo = tmp_path / "typo.csv"
    typo.write_text(csv_header().replace("child_given_name", "child_given_nam"))
    with pytest.raises(UsageError, match="did you mean child_given_name"):
        list(read_registrations(typo))
    not_jsonl = tmp_path / "rows.jsonl"
    not_jsonl.write_text(csv_header() + "a,b\n")
    with pytest.raises(UsageError, match=r"rows\.jsonl: no line is a JSON object"):
        list(read_registrations(not_jsonl))


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("[1, 2]", "not a JSON object"),
        ('{"registration_number": 12}', "must be a string"),
        ('{"nickname": "x"}', "unknown column"),
        ('{"a": 1, "a": 2}', "not a JSON object"),
    ],
)
def test_bad_jsonl_lines_are_row_errors(tmp_path: Path, line: str, reason: str) -> None:
    """A bad line is one rejected row (with its line number); the rest still read."""
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(registration(1)) + "\n" + line + "\n")
    rows = list(read_registrations(path))
    assert len(rows) == 2
    birth_record(rows[0])
    assert rows[1].row == 2
    with pytest.raises(RegistrationRowError, match=reason):
        birth_record(rows[1])


def test_csv_row_with_wrong_field_count_is_a_row_error(tmp_path: Path) -> None:
    """A row with more or fewer fields than the header is rejected alone."""
    path = write_csv(tmp_path / "in.csv", [registration(1)])
    with path.open("a") as handle:
        handle.write("a,b,c\n")
    rows = list(read_registrations(path))
    with pytest.raises(RegistrationRowError, match="fields"):
        birth_record(rows[1])


@pytest.mark.parametrize(
    ("changes", "column"),
    [
        ({"child_given_name": ""}, "child_given_name: required"),
        ({"child_family_name": "   "}, "child_family_name: required"),
        ({"birth_date": "12/04/2025"}, "birth_date: must be a date"),
        ({"birth_date": "2025-02-30"}, "birth_date: not a calendar date"),
        ({"registration_date": ""}, "registration_date: required"),
        ({"parent1_given_name": ""}, "parent1_given_name: required"),
    ],
)
def test_row_errors_name_the_column_not_the_value(changes: dict[str, str], column: str) -> None:
    """Missing or malformed values are RegistrationRowErrors naming the column only."""
    values = {**registration(1), **changes}
    row = RegistrationRow(row=1, values={k: (v.strip() or None) for k, v in values.items()})
    with pytest.raises(RegistrationRowError) as caught:
        birth_record(row)
    assert column in str(caught.value)
    for value in changes.values():
        if value.strip():
            assert value not in str(caught.value)


def test_header_lists_every_column() -> None:
    """csv_header names every known column once, required ones first."""
    names = csv_header().strip().split(",")
    assert set(names) == COLUMNS
    assert names[: len(REQUIRED_COLUMNS)] == list(REQUIRED_COLUMNS)


_text = st.text(
    alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="\x00"),
    max_size=40,
)
_one_line = st.text(
    alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="\x00\n"),
    max_size=40,
)


@given(values=st.lists(_one_line, min_size=3, max_size=3))
@settings(max_examples=60, deadline=None)
def test_csv_values_round_trip(tmp_path_factory: pytest.TempPathFactory, values: list[str]) -> None:
    """Any text without a line break (quotes, commas, CR) in a CSV cell reads back, trimmed."""
    path = tmp_path_factory.mktemp("rows") / "in.csv"
    row = registration(1)
    row["child_given_name"], row["birth_locality"], row["registration_authority"] = values
    write_csv(path, [row])
    (read,) = list(read_registrations(path))
    for name, value in zip(
        ("child_given_name", "birth_locality", "registration_authority"), values, strict=True
    ):
        assert read.values[name] == (value.strip() or None)


@given(values=st.dictionaries(st.sampled_from(sorted(COLUMNS)), st.none() | _text, max_size=8))
@settings(max_examples=60, deadline=None)
def test_jsonl_rows_never_raise_anything_but_row_errors(
    tmp_path_factory: pytest.TempPathFactory, values: dict[str, str | None]
) -> None:
    """Any JSON object of known columns reads, and maps to a record or a RegistrationRowError."""
    path = write_jsonl(tmp_path_factory.mktemp("rows") / "in.jsonl", [values])  # type: ignore[list-item]
    for row in read_registrations(path):
        with contextlib.suppress(RegistrationRowError):
            birth_record(row)


def test_over_long_lines_are_bounded(tmp_path: Path) -> None:
    """A line over 64 KiB is one rejected row in either format; the rest still read."""
    path = tmp_path / "in.jsonl"
    long_line = json.dumps({"child_given_name": "x" * 200_000})
    path.write_text(long_line + "\n" + json.dumps(registration(2)) + "\n")
    rows = list(read_registrations(path))
    assert [r.row for r in rows] == [1, 2]
    with pytest.raises(RegistrationRowError, match="longer than 65,536 bytes"):
        birth_record(rows[0])
    assert birth_record(rows[1]).registration.number == "BR-2025-000002"
    data = [registration(1, child_given_name="x" * 70_000), registration(2)]
    csv_rows = list(read_registrations(write_csv(tmp_path / "in.csv", data)))
    assert [(r.row, r.line) for r in csv_rows] == [(1, 2), (2, 3)]
    with pytest.raises(RegistrationRowError, match="longer than 65,536 bytes"):
        birth_record(csv_rows[0])
    assert birth_record(csv_rows[1]).registration.number == "BR-2025-000002"


def test_the_docs_state_the_schema_limits() -> None:
    """docs/registrar.md gives the lengths the schema sets, and the line limit."""
    text = (Path(__file__).parents[2] / "docs" / "registrar.md").read_text(encoding="utf-8")
    for schema_type in ("name", "text", "identifier", "did"):
        limit = max_length(schema_type)
        assert re.search(rf"\| `{schema_type}` \| (1 to|up to) {limit} \|", text), schema_type
    assert f"{MAX_LINE_BYTES:,} bytes" in text
    assert f"{MAX_ROWS:,} rows" in text


def test_damage_is_one_row_per_line_at_the_start_middle_and_end(tmp_path: Path) -> None:
    """Every kind of damage, anywhere in 10,000 rows, is a row error on its own line;
    every good row reads, and counting twice gives the same rows."""
    for name in ("in.csv", "in.jsonl"):
        batch = write_damaged(tmp_path / name)
        rows = list(read_registrations(batch.path))
        assert [_key(r) for r in rows] == [_key(r) for r in read_registrations(batch.path)]
        unreadable = {r.line_number for r in rows if r.error is not None}
        long_field = {r.line_number for r in rows if r.error is None and _too_long(r)}
        assert unreadable | long_field == batch.rejected_lines
        good = {r.registration_number for r in rows if r.error is None} - {
            r.registration_number for r in rows if _too_long(r)
        }
        assert good == batch.good
        for row in rows:
            if row.error is not None:
                assert SECRET_NAME not in str(row.error)
                assert "Zamfir" not in str(row.error)


def _key(row: RegistrationRow) -> tuple[int, int, str, object]:
    return row.row, row.line, str(row.error), sorted(row.values.items())


def _too_long(row: RegistrationRow) -> bool:
    return len(row.values.get("child_family_name") or "") > max_length("name")


_damage = st.lists(
    st.sampled_from(
        [b"\n", b"\r\n", b'"', b",", b"\xef\xbb\xbf", b"\xff", b"\xc3", b"{", b"}", b"x" * 9000]
    )
    | st.binary(max_size=40),
    max_size=30,
)


@given(damage=_damage, where=st.integers(min_value=0, max_value=3))
@settings(max_examples=80, deadline=None)
def test_any_damage_stays_on_its_lines(
    tmp_path_factory: pytest.TempPathFactory, damage: list[bytes], where: int
) -> None:
    """Any bytes among good rows: the good rows on other lines all read, each row's
    line number is right, and nothing is raised but a whole-file UsageError."""
    folder = tmp_path_factory.mktemp("damage")
    good = [registration(i) for i in range(3)]
    for suffix in (".csv", ".jsonl"):
        path = folder / f"in{suffix}"
        write = write_csv if suffix == ".csv" else write_jsonl
        lines = write(path, good).read_bytes().splitlines(keepends=True)
        junk = b"".join(damage)
        at = min(len(lines), where + (suffix == ".csv"))
        data = b"".join(lines[:at]) + junk + b"\n" + b"".join(lines[at:])
        path.write_bytes(data)
        physical = data.split(b"\n")
        try:
            rows = list(read_registrations(path))
        except UsageError:
            continue
        for row in rows:
            assert physical[row.line_number - 1].strip()  # a row is never a blank line
            if row.error is None and row.registration_number in {
                g["registration_number"] for g in good
            }:
                birth_record(row)
        read = {r.registration_number for r in rows if r.error is None}
        untouched = {  # good rows whose line the junk did not join
            g["registration_number"]
            for g in good
            if any(line.startswith(g["registration_number"].encode()) for line in physical)
            or any(
                line.startswith(b'{"registration_number": "' + g["registration_number"].encode())
                for line in physical
            )
        }
        assert untouched <= read
