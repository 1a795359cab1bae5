"""Trust registry queries and answers: who may issue what, where and when.

A signature proves who signed, not that the signer may speak. A trust
registry answers the question a border post asks of each credential: *is
DID X authorised to issue credential type T for jurisdiction J at time t?*
(the ToIP Trust Registry Query Protocol v2 ``authorization`` query, with
``entity_id`` = X, ``action`` = ``issue``, ``resource`` = T,
``context.time`` = t). This module holds only the value types of that
question and its answer; the :class:`~vcid.environment.TrustRegistry`
protocol sits in :mod:`vcid.environment`, and the signed trust lists that
implement it in :mod:`vcid.trust`.

Jurisdictions are ISO 3166-1 alpha-2 country codes (``ZA``) or ISO 3166-2
subdivision codes (``ZA-WC``); a subdivision lies within its country.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from vcid.errors import (
    OK,
    AccreditationExpired,
    AccreditationNotYetValid,
    AccreditationRevoked,
    AccreditationUnchecked,
    OutsideJurisdiction,
    TrustChainBroken,
    TypeNotAccredited,
    UntrustedIssuer,
    UsageError,
    VcidError,
)

#: The action of a query for issuing credentials (TRQP ``action``).
ISSUE: Final = "issue"
#: The credential type a party must be accredited for to publish trust lists
#: that accredit others (EBSI's "accredit to accredit").
TRUST_LIST_TYPE: Final = "TrustListCredential"
#: The credential type a party must be accredited for to publish status lists
#: for credentials it did not issue itself.
STATUS_LIST_TYPE: Final = "BitstringStatusListCredential"

_JURISDICTION = re.compile(r"[A-Z]{2}(?:-[A-Z0-9]{1,3})?")


def check_jurisdiction(code: str) -> str:
    """``code`` if it is an ISO 3166-1 alpha-2 or ISO 3166-2 code, in capitals.

    :raises UsageError: for anything else.
    """
    if not isinstance(code, str) or not _JURISDICTION.fullmatch(code):
        raise UsageError("a jurisdiction is an ISO 3166-1 alpha-2 or ISO 3166-2 code")
    return code


def within(code: str, scope: Collection[str]) -> bool:
    """Whether jurisdiction ``code`` lies within one of ``scope``'s codes.

    ``ZA-WC`` lies within ``ZA`` and within ``ZA-WC``; ``ZA`` does not lie
    within ``ZA-WC`` (a provincial registrar is not accredited for the
    whole country).
    """
    return any(code == outer or code.startswith(outer + "-") for outer in scope)


class TrustReason(enum.Enum):
    """Why a trust registry answered as it did; each value is an error code."""

    AUTHORISED = OK
    UNLISTED_ISSUER = UntrustedIssuer.code
    TYPE_NOT_ACCREDITED = TypeNotAccredited.code
    OUTSIDE_JURISDICTION = OutsideJurisdiction.code
    NOT_YET_VALID = AccreditationNotYetValid.code
    EXPIRED = AccreditationExpired.code
    REVOKED = AccreditationRevoked.code
    BROKEN_CHAIN = TrustChainBroken.code
    STATUS_UNCHECKED = AccreditationUnchecked.code


_ERRORS: Final[dict[TrustReason, type[VcidError]]] = {
    TrustReason.UNLISTED_ISSUER: UntrustedIssuer,
    TrustReason.TYPE_NOT_ACCREDITED: TypeNotAccredited,
    TrustReason.OUTSIDE_JURISDICTION: OutsideJurisdiction,
    TrustReason.NOT_YET_VALID: AccreditationNotYetValid,
    TrustReason.EXPIRED: AccreditationExpired,
    TrustReason.REVOKED: AccreditationRevoked,
    TrustReason.BROKEN_CHAIN: TrustChainBroken,
    TrustReason.STATUS_UNCHECKED: AccreditationUnchecked,
}


@dataclass(frozen=True, slots=True, kw_only=True)
class TrustQuery:
    """Is ``entity`` authorised to issue ``credential_type`` for ``jurisdiction`` at ``time``?

    :param entity: the issuer's DID.
    :param credential_type: one type the credential carries (``BirthCredential``).
    :param jurisdiction: where the credential speaks for (ISO 3166 code), or
        ``None`` when the credential states none: then any accredited
        jurisdiction will do.
    :param time: when the credential was issued (aware); the verifier uses
        its ``validFrom``, else its issuer's proof ``created``.
    :raises UsageError: for a naive time or a malformed jurisdiction.
    """

    entity: str
    credential_type: str
    jurisdiction: str | None
    time: datetime

    def __post_init__(self) -> None:
        if not isinstance(self.entity, str) or not self.entity:
            raise UsageError("entity must be a DID")
        if not isinstance(self.credential_type, str) or not self.credential_type:
            raise UsageError("credential_type must be a type name")
        if self.jurisdiction is not None:
            check_jurisdiction(self.jurisdiction)
        if not isinstance(self.time, datetime) or self.time.utcoffset() is None:
            raise UsageError("time must be a timezone-aware datetime")


@dataclass(frozen=True, slots=True, kw_only=True)
class ChainLink:
    """One accreditation on the way from a trust anchor to the entity.

    :param authority: who accredited (the trust list's issuer).
    :param entity: who was accredited.
    :param list_id: the ``id`` of the trust list that says so.
    :param credential_types: the types the entity may issue.
    :param jurisdictions: where (ISO 3166 codes).
    :param valid_from: start of the accreditation, if bounded.
    :param valid_until: end of the accreditation, if bounded.
    """

    authority: str
    entity: str
    list_id: str
    credential_types: frozenset[str]
    jurisdictions: frozenset[str]
    valid_from: datetime | None = None
    valid_until: datetime | None = None

    def describe(self) -> str:
        """``authority -> entity``, for report details (DIDs only, no personal data)."""
        return f"{self.authority} -> {self.entity}"


@dataclass(frozen=True, slots=True, kw_only=True)
class TrustAnswer:
    """A trust registry's answer to one :class:`TrustQuery`.

    :param authorised: whether the entity is authorised.
    :param reason: why (``AUTHORISED`` exactly when ``authorised``).
    :param chain: the links from the anchor's accreditation down to the
        entity's (root first); for a refusal, as far as the registry got.
    :param detail: a sentence for people (DIDs and types, no personal data).
    """

    authorised: bool
    reason: TrustReason
    chain: tuple[ChainLink, ...] = ()
    detail: str = ""

    def __post_init__(self) -> None:
        if self.authorised != (self.reason is TrustReason.AUTHORISED):
            raise UsageError("an answer is authorised exactly when its reason is AUTHORISED")

    def error(self) -> VcidError | None:
        """The error a refusal stands for (``None`` when authorised)."""
        if self.authorised:
            return None
        return _ERRORS[self.reason](self.detail or self.reason.name.lower().replace("_", " "))

    def describe_chain(self) -> str:
        """The chain as ``anchor -> authority -> issuer``."""
        if not self.chain:
            return ""
        return " -> ".join([self.chain[0].authority, *(link.entity for link in self.chain)])


__all__ = [
    "ISSUE",
    "STATUS_LIST_TYPE",
    "TRUST_LIST_TYPE",
    "ChainLink",
    "TrustAnswer",
    "TrustQuery",
    "TrustReason",
    "check_jurisdiction",
    "within",
]
