"""XSD date-time values as the VC Data Model uses them.

VCDM 2.0 §4.9 types ``validFrom``/``validUntil`` as XSD ``dateTimeStamp``
(the offset is required); VCDM 1.1 §4.6-4.7 types ``issuanceDate``/
``expirationDate`` as ``xsd:dateTime``, and VCDM 2.0 §4.8.1 says a time
serialized without an offset MUST be read as UTC. Years outside 0001-9999
and leap seconds are rejected; ``24:00:00`` is read as the next midnight,
as XSD 1.1 Part 2 §3.3.7 allows. Every parsed value is an aware datetime
normalized to UTC.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Final

from vcid.errors import DataModelError, UsageError

MAX_DATETIME_LENGTH: Final = 64

_DATETIME = re.compile(
    r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})"
    r"T(?P<hour>[0-9]{2}):(?P<minute>[0-9]{2}):(?P<second>[0-9]{2})"
    r"(?:\.(?P<fraction>[0-9]+))?"
    r"(?P<tz>Z|[+-][0-9]{2}:[0-9]{2})?",
    re.ASCII,
)


def require_aware(dt: datetime, name: str) -> datetime:
    """Return ``dt`` if it carries a UTC offset.

    :param dt: a datetime passed in by a caller.
    :param name: the parameter name, for the error message.
    :raises UsageError: if ``dt`` is not a datetime or is naive.
    """
    if not isinstance(dt, datetime):
        raise UsageError(f"{name} must be a datetime")
    if dt.tzinfo is None or dt.utcoffset() is None:
        raise UsageError(f"{name} must be timezone-aware (naive datetime given)")
    return dt


def parse_datetime_stamp(value: str) -> datetime:
    """Parse an XSD ``dateTimeStamp``: a date-time whose offset is required.

    Fractions beyond microseconds are truncated.

    :param value: text such as ``2023-02-26T01:02:58.447Z``.
    :returns: an aware datetime in UTC.
    :raises DataModelError: if the text is not a dateTimeStamp (VCDM 2.0 §4.9).
    """
    return _parse(value, require_offset=True)[0]


def parse_datetime(value: str) -> datetime:
    """Parse an ``xsd:dateTime``; a missing offset is read as UTC.

    :param value: text such as ``2010-01-01T19:23:24`` or ``...Z``.
    :returns: an aware datetime in UTC.
    :raises DataModelError: if the text is not an xsd:dateTime (VCDM 2.0
        §4.8.1, VCDM 1.1 §4.6).
    """
    return _parse(value, require_offset=False)[0]


def format_datetime(dt: datetime) -> str:
    """Format an aware datetime as a UTC ``dateTimeStamp``.

    The result is ``YYYY-MM-DDThh:mm:ssZ``, with a fraction (trailing zeros
    dropped) only when microseconds are not zero.

    :param dt: an aware datetime.
    :raises UsageError: if ``dt`` is naive.
    :raises DataModelError: if the UTC year falls outside 0001-9999.
    """
    require_aware(dt, "dt")
    try:
        utc = dt.astimezone(UTC)
    except OverflowError:
        raise DataModelError("datetime is out of range in UTC") from None
    text = (
        f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}"
        f"T{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}"
    )
    if utc.microsecond:
        text += "." + f"{utc.microsecond:06d}".rstrip("0")
    return text + "Z"


def _parse(value: str, *, require_offset: bool) -> tuple[datetime, str]:
    """Parse into (UTC datetime, sub-microsecond fraction digits)."""
    kind = "dateTimeStamp" if require_offset else "dateTime"
    if not isinstance(value, str):
        raise DataModelError(f"must be an XSD {kind} string")
    if len(value) > MAX_DATETIME_LENGTH:
        raise DataModelError(f"is too long for an XSD {kind}")
    match = _DATETIME.fullmatch(value)
    if match is None:
        raise DataModelError(f"is not an XSD {kind}")
    tz_text = match["tz"]
    if tz_text is None and require_offset:
        raise DataModelError("XSD dateTimeStamp requires a timezone offset")
    year = int(match["year"])
    if year == 0:
        raise DataModelError("year 0000 is not supported (years 0001-9999)")
    hour, minute, second = (
        int(match["hour"]),
        int(match["minute"]),
        int(match["second"]),
    )
    fraction = match["fraction"] or ""
    if second == 60:
        raise DataModelError("leap seconds are not supported")
    end_of_day = hour == 24
    if end_of_day:
        if minute or second or fraction.strip("0"):
            raise DataModelError("hour 24 is only allowed as 24:00:00")
        hour, fraction = 0, ""
    micro_digits = (fraction + "000000")[:6]
    extra = fraction[6:].rstrip("0")
    offset = _offset(tz_text)
    try:
        local = datetime(
            year,
            int(match["month"]),
            int(match["day"]),
            hour,
            minute,
            second,
            int(micro_digits),
            tzinfo=offset,
        )
        if end_of_day:
            local += timedelta(days=1)
        utc = local.astimezone(UTC)
    except (ValueError, OverflowError):
        raise DataModelError(f"is not a valid XSD {kind} (out of range)") from None
    return utc, extra


def _offset(text: str | None) -> timezone:
    if text is None or text == "Z":
        return UTC
    hours, minutes = int(text[1:3]), int(text[4:6])
    if minutes > 59 or hours > 14 or (hours == 14 and minutes):
        raise DataModelError("timezone offset must be within -14:00..+14:00")
    delta = timedelta(hours=hours, minutes=minutes)
    return timezone(-delta if text[0] == "-" else delta)


def datetime_key(value: str, *, require_offset: bool) -> tuple[datetime, str]:
    """An ordering key that keeps precision beyond microseconds.

    Compare keys only with keys from this function.

    :raises DataModelError: as :func:`parse_datetime_stamp`.
    """
    utc, extra = _parse(value, require_offset=require_offset)
    return utc, extra.ljust(MAX_DATETIME_LENGTH, "0")


__all__ = [
    "datetime_key",
    "format_datetime",
    "parse_datetime",
    "parse_datetime_stamp",
    "require_aware",
]
