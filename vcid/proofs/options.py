"""Proof options for creating a Data Integrity proof, and proof date-times.

:class:`ProofOptions` holds what the caller chooses for a new proof (VC Data
Integrity 1.0 §2.1, "Proofs"): the verification method, the purpose, the
creation and expiry times, and the optional challenge, domain, previous
proof, proof id and nonce.

Proof date-times are XSD ``dateTime`` values (DI §2.1 ``created``,
``expires``). vcid writes them as ``YYYY-MM-DDThh:mm:ssZ``; when reading, a
value without a UTC offset is accepted and taken as UTC, as the W3C test
suites require, but anything else malformed is rejected.
"""

from __future__ import annotations

import re
from dataclasses import KW_ONLY, dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Final

from vcid.errors import InvalidProof, UsageError

#: The longest option string accepted (a URL, a challenge, a nonce).
MAX_OPTION_LENGTH: Final = 4096
#: The most entries accepted in a ``domain`` or ``previousProof`` list.
MAX_OPTION_ITEMS: Final = 32

_DATETIME: Final = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
    r"T(?P<hour>\d{2}):(?P<minute>\d{2}):(?P<second>\d{2})"
    r"(?:\.(?P<fraction>\d{1,32}))?"
    r"(?P<offset>Z|[+-]\d{2}:\d{2})?",
    re.ASCII,
)


def format_datetime(value: datetime) -> str:
    """Write an aware datetime as ``YYYY-MM-DDThh:mm:ssZ`` (UTC, whole seconds).

    :param value: an aware datetime.
    :raises UsageError: if ``value`` is naive.
    """
    _require_aware(value, "datetime")
    utc = value.astimezone(UTC)
    return (
        f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}"
        f"T{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}Z"
    )


def parse_datetime(value: object, *, field_name: str) -> datetime:
    """Read a proof's XSD ``dateTime`` (DI §2.1 ``created``/``expires``).

    A value with no UTC offset is read as UTC. Fractions of a second beyond
    microseconds are truncated.

    :param value: the JSON value of the field.
    :param field_name: the proof field, named in the error message.
    :raises InvalidProof: if the value is not a string or not a valid
        ``dateTime``.
    """
    if not isinstance(value, str) or len(value) > 64:
        raise InvalidProof(f"proof {field_name} is not an XSD dateTime string")
    match = _DATETIME.fullmatch(value)
    if match is None:
        raise InvalidProof(f"proof {field_name} is not a valid XSD dateTime")
    fraction = (match["fraction"] or "0")[:6].ljust(6, "0")
    try:
        tz = _parse_offset(match["offset"])
        return datetime(
            int(match["year"]),
            int(match["month"]),
            int(match["day"]),
            int(match["hour"]),
            int(match["minute"]),
            int(match["second"]),
            int(fraction),
            tzinfo=tz,
        ).astimezone(UTC)
    except (ValueError, OverflowError):
        raise InvalidProof(f"proof {field_name} is not a valid XSD dateTime") from None


def _parse_offset(offset: str | None) -> timezone:
    if offset is None or offset == "Z":
        return UTC
    hours, minutes = int(offset[1:3]), int(offset[4:6])
    if minutes > 59 or hours * 60 + minutes > 14 * 60:
        raise ValueError("offset out of range")
    delta = timedelta(hours=hours, minutes=minutes)
    return timezone(-delta if offset[0] == "-" else delta)


def _require_aware(value: object, name: str) -> None:
    if not isinstance(value, datetime):
        raise UsageError(f"{name} must be a datetime")
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise UsageError(f"{name} must be timezone-aware")


def _check_text(value: object, name: str) -> None:
    if not isinstance(value, str) or not value:
        raise UsageError(f"{name} must be a non-empty string")
    if len(value) > MAX_OPTION_LENGTH:
        raise UsageError(f"{name} is longer than {MAX_OPTION_LENGTH} characters")


def _check_text_or_tuple(value: object, name: str) -> None:
    if isinstance(value, tuple):
        if not value or len(value) > MAX_OPTION_ITEMS:
            raise UsageError(f"{name} must hold 1 to {MAX_OPTION_ITEMS} strings")
        for item in value:
            _check_text(item, name)
        if len(set(value)) != len(value):
            raise UsageError(f"{name} must not repeat a value")
    else:
        _check_text(value, f"{name} (a string or a tuple of strings)")


@dataclass(frozen=True, slots=True)
class ProofOptions:
    """The options of a new Data Integrity proof (DI §2.1, §4.2).

    :param verification_method: the URL of the key that signs, usually a
        DID URL such as ``did:key:z6Mk...#z6Mk...``.
    :param proof_purpose: the ``proofPurpose``; ``assertionMethod`` for
        credentials, ``authentication`` for presentations.
    :param created: when the proof is made (aware); ``None`` means now.
    :param expires: when the proof stops being valid (aware), or ``None``.
    :param challenge: the verifier's challenge, for ``authentication``.
    :param domain: the security domain(s) the proof is meant for.
    :param previous_proof: the ``id`` (or ids) of the proofs this one
        chains to (DI §2.1.2, proof chains).
    :param id: the proof's own ``id``, a URL, so that later proofs can
        chain to it.
    :param nonce: an optional random value that makes the proof unique.
    :raises UsageError: for a naive datetime, an empty or oversized string,
        or ``expires`` not after ``created``.
    """

    verification_method: str
    _: KW_ONLY
    proof_purpose: str = "assertionMethod"
    created: datetime | None = None
    expires: datetime | None = None
    challenge: str | None = None
    domain: str | tuple[str, ...] | None = None
    previous_proof: str | tuple[str, ...] | None = None
    id: str | None = None
    nonce: str | None = None

    def __post_init__(self) -> None:
        _check_text(self.verification_method, "verification_method")
        _check_text(self.proof_purpose, "proof_purpose")
        if self.created is not None:
            _require_aware(self.created, "created")
        if self.expires is not None:
            _require_aware(self.expires, "expires")
            if self.created is not None and self.expires <= self.created:
                raise UsageError("expires must be later than created")
        for name in ("challenge", "id", "nonce"):
            value = getattr(self, name)
            if value is not None:
                _check_text(value, name)
        if self.domain is not None:
            _check_text_or_tuple(self.domain, "domain")
        if self.previous_proof is not None:
            _check_text_or_tuple(self.previous_proof, "previous_proof")
        if self.id is not None and self.previous_proof is not None:
            previous = (
                (self.previous_proof,)
                if isinstance(self.previous_proof, str)
                else self.previous_proof
            )
            if self.id in previous:
                raise UsageError("a proof cannot chain to its own id")

    @property
    def previous_proof_ids(self) -> tuple[str, ...]:
        """The ``previousProof`` ids as a tuple (empty when none)."""
        if self.previous_proof is None:
            return ()
        if isinstance(self.previous_proof, str):
            return (self.previous_proof,)
        return self.previous_proof


__all__ = [
    "MAX_OPTION_ITEMS",
    "MAX_OPTION_LENGTH",
    "ProofOptions",
    "format_datetime",
    "parse_datetime",
]
