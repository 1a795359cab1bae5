"""XSD dateTimeStamp / dateTime parsing and formatting (VCDM 2.0 §4.9)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vcid.errors import DataModelError, UsageError
from vcid.model import (
    format_datetime,
    parse_datetime,
    parse_datetime_stamp,
    require_aware,
)
from vcid.model.datetimes import datetime_key

UTC_DATETIMES = st.datetimes(
    min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59)
).map(lambda dt: dt.replace(tzinfo=UTC))
OFFSETS = st.integers(min_value=-14 * 60, max_value=14 * 60)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-02-26T01:02:58Z", datetime(2023, 2, 26, 1, 2, 58, tzinfo=UTC)),
        (
            "2023-02-26T01:02:58.447Z",
            datetime(2023, 2, 26, 1, 2, 58, 447000, tzinfo=UTC),
        ),
        ("2023-02-25T19:10:39-06:00", datetime(2023, 2, 26, 1, 10, 39, tzinfo=UTC)),
        ("2023-02-26T05:30:00+05:30", datetime(2023, 2, 26, 0, 0, tzinfo=UTC)),
        (
            "4023-02-26T01:02:58.447Z",
            datetime(4023, 2, 26, 1, 2, 58, 447000, tzinfo=UTC),
        ),
        ("2024-02-29T00:00:00Z", datetime(2024, 2, 29, tzinfo=UTC)),
        ("2023-12-31T24:00:00Z", datetime(2024, 1, 1, tzinfo=UTC)),
        (
            "2023-01-01T00:00:00.1234567891Z",
            datetime(2023, 1, 1, 0, 0, 0, 123456, tzinfo=UTC),
        ),
        ("0001-01-01T00:00:00Z", datetime(1, 1, 1, tzinfo=UTC)),
        ("2023-01-01T00:00:00+14:00", datetime(2022, 12, 31, 10, tzinfo=UTC)),
    ],
)
def test_parse_datetime_stamp_accepts(text: str, expected: datetime) -> None:
    """Valid dateTimeStamps parse to the same instant, in UTC."""
    parsed = parse_datetime_stamp(text)
    assert parsed == expected
    assert parsed.tzinfo is UTC


@pytest.mark.parametrize(
    "text",
    [
        "2023-02-26T01:02:58",  # no offset
        "Sat 25 Feb 2023 07:16:31 PM CST",
        "Sun, 26 Feb 2023 01:22:14 +0000",
        "2023-02-26",
        "2023-02-26 01:02:58Z",  # space instead of T
        "2023-02-26t01:02:58Z",
        "2023-02-26T01:02:58z",
        "2023-02-26T01:02:58+0000",
        "2023-02-26T01:02:58.Z",
        "2023-02-26T1:02:58Z",
        "0000-01-01T00:00:00Z",  # year zero
        "10000-01-01T00:00:00Z",  # five-digit year
        "-2023-01-01T00:00:00Z",
        "2023-13-01T00:00:00Z",
        "2023-02-29T00:00:00Z",  # not a leap year
        "2023-02-26T25:00:00Z",
        "2023-02-26T24:00:01Z",
        "2023-02-26T24:00:00.5Z",
        "2023-02-26T23:60:00Z",
        "2016-12-31T23:59:60Z",  # leap second
        "2023-02-26T01:02:58+14:01",
        "2023-02-26T01:02:58+15:00",
        "2023-02-26T01:02:58+05:60",
        "2023-02-26T01:02:58Z\n",
        " 2023-02-26T01:02:58Z",
        "\uff12\uff10\uff12\uff13-02-26T01:02:58Z",  # fullwidth digits
        "9999-12-31T24:00:00Z",  # overflows
        "0001-01-01T00:00:00+01:00",  # before year 1 in UTC
        "9999-12-31T23:00:00-05:00",  # after year 9999 in UTC
        "2023-02-26T01:02:58." + "1" * 100 + "Z",  # over the length cap
        "",
    ],
)
def test_parse_datetime_stamp_rejects(text: str) -> None:
    """Malformed, out-of-range or offset-less text raises DataModelError."""
    with pytest.raises(DataModelError):
        parse_datetime_stamp(text)


def test_parse_datetime_stamp_rejects_non_string() -> None:
    """A non-string is a DataModelError, not a TypeError."""
    with pytest.raises(DataModelError):
        parse_datetime_stamp(20230226)  # type: ignore[arg-type]


def test_parse_datetime_reads_missing_offset_as_utc() -> None:
    """VCDM 2.0 §4.8.1: a time without an offset is read as UTC."""
    assert parse_datetime("2010-01-01T19:23:24") == datetime(2010, 1, 1, 19, 23, 24, tzinfo=UTC)
    assert parse_datetime("2010-01-01T19:23:24+01:00") == datetime(
        2010, 1, 1, 18, 23, 24, tzinfo=UTC
    )


def test_parse_datetime_still_rejects_garbage() -> None:
    """The optional offset does not relax the rest of the grammar."""
    with pytest.raises(DataModelError):
        parse_datetime("2010-01-01")


def test_format_datetime_shapes() -> None:
    """Seconds precision ends in Z; a fraction appears only when non-zero."""
    assert format_datetime(datetime(2023, 2, 26, 1, 2, 3, tzinfo=UTC)) == ("2023-02-26T01:02:03Z")
    assert format_datetime(datetime(2023, 2, 26, 1, 2, 3, 447000, tzinfo=UTC)) == (
        "2023-02-26T01:02:03.447Z"
    )
    assert format_datetime(datetime(5, 1, 1, tzinfo=UTC)) == "0005-01-01T00:00:00Z"
    plus_two = timezone(timedelta(hours=2))
    assert format_datetime(datetime(2023, 1, 1, 2, tzinfo=plus_two)) == ("2023-01-01T00:00:00Z")


def test_format_datetime_rejects_naive() -> None:
    """A naive datetime is a caller bug: UsageError."""
    with pytest.raises(UsageError):
        format_datetime(datetime(2023, 1, 1))


def test_require_aware() -> None:
    """require_aware passes aware datetimes through and names naive ones."""
    aware = datetime(2023, 1, 1, tzinfo=UTC)
    assert require_aware(aware, "now") is aware
    with pytest.raises(UsageError, match="now"):
        require_aware(datetime(2023, 1, 1), "now")
    with pytest.raises(UsageError):
        require_aware("2023-01-01T00:00:00Z", "now")  # type: ignore[arg-type]


def test_ordering_key_keeps_sub_microsecond_precision() -> None:
    """Digits past microseconds still order two otherwise equal instants."""
    early = datetime_key("2023-01-01T00:00:00.0000001Z", require_offset=True)
    late = datetime_key("2023-01-01T00:00:00.0000002Z", require_offset=True)
    same = datetime_key("2023-01-01T00:00:00.00000020Z", require_offset=True)
    assert early < late
    assert late == same


@given(UTC_DATETIMES)
def test_format_then_parse_round_trips(dt: datetime) -> None:
    """format_datetime output parses back to the same instant."""
    text = format_datetime(dt)
    assert parse_datetime_stamp(text) == dt
    assert parse_datetime(text) == dt


@given(UTC_DATETIMES, OFFSETS)
def test_offsets_denote_the_same_instant(dt: datetime, minutes: int) -> None:
    """Rendering an instant at any legal offset parses to that instant."""
    zone = timezone(timedelta(minutes=minutes))
    try:
        local = dt.astimezone(zone)
    except OverflowError:
        return
    if not 1 <= local.year <= 9999:
        return
    sign = "-" if minutes < 0 else "+"
    offset = f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    text = local.replace(tzinfo=None).isoformat(timespec="microseconds")
    assert parse_datetime_stamp(text + offset) == dt


@given(UTC_DATETIMES)
def test_strings_without_offset_fail_as_stamp(dt: datetime) -> None:
    """Without Z or an offset, dateTimeStamp fails but dateTime reads UTC."""
    text = format_datetime(dt)[:-1]
    with pytest.raises(DataModelError):
        parse_datetime_stamp(text)
    assert parse_datetime(text) == dt


@given(st.text(max_size=40))
def test_parse_never_raises_anything_else(text: str) -> None:
    """Arbitrary text either parses or raises DataModelError."""
    try:
        parsed = parse_datetime(text)
    except DataModelError:
        return
    assert parsed.tzinfo is UTC
