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

from dataclasses import KW_ONLY, dataclass
from datetime import datetime
from typing import Final

from vcid.errors import DataModelError, InvalidProof, UsageError
from vcid.model.datetimes import format_datetime as model_format_datetime
from vcid.model.datetimes import parse_datetime as model_parse_datetime
from vcid.model.datetimes import require_aware

#: The longest option string accepted (a URL, a challenge, a nonce).
MAX_OPTION_LENGTH: Final = 4096
#: The most entries accepted in a ``domain`` or ``previousProof`` list.
MAX_OPTION_ITEMS: Final = 32


def format_datetime(value: datetime) -> str:
    """Write an aware datetime as ``YYYY-MM-DDThh:mm:ssZ`` (UTC, whole seconds).

    :param value: an aware datetime.
    :raises UsageError: if ``value`` is naive.
    """
    require_aware(value, "datetime")
    return model_format_datetime(value.replace(microsecond=0))


def parse_datetime(value: object, *, field_name: str) -> datetime:
    """Read a proof's XSD ``dateTime`` (DI §2.1 ``created``/``expires``).

    A value with no UTC offset is read as UTC, as the W3C test suites
    require. Fractions of a second beyond microseconds are truncated.

    :param value: the JSON value of the field.
    :param field_name: the proof field, named in the error message.
    :raises InvalidProof: if the value is not a string or not a valid
        ``dateTime``.
    """
    if not isinstance(value, str) or len(value) > 64:
        raise InvalidProof(f"proof {field_name} is not an XSD dateTime string")
    try:
        return model_parse_datetime(value)
    except DataModelError:
        raise InvalidProof(f"proof {field_name} is not a valid XSD dateTime") from None


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
            require_aware(self.created, "created")
        if self.expires is not None:
            require_aware(self.expires, "expires")
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
