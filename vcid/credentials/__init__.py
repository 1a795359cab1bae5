"""The registrar credentials: birth, guardianship and travel consent.

Typed, keyword-only builders turn frozen facts (:mod:`vcid.credentials.types`)
into unsigned VC Data Model 2.0 credentials that use the vcid vocabulary
(``https://w3id.org/vcid/v1``, ``docs/vocabulary.md``) and name their
bundled JSON Schema; sign them with :func:`vcid.issuer.issue`::

    record = BirthRecord(child=Person(given_name=..., family_name=...), ...)
    credential = birth_credential(record, issuer=registrar.controller, now=now)
    signed = issue(credential, key=registrar)

Bad facts raise :class:`~vcid.errors.CredentialDataError` naming the
credential property and the rule, never the value.
"""

from __future__ import annotations

from vcid.credentials.builders import (
    DEFAULT_MAJORITY_AGE,
    birth_credential,
    guardianship_credential,
    travel_consent_credential,
)
from vcid.credentials.countries import COUNTRY_CODES, is_country_code
from vcid.credentials.links import credential_digest_multibase, matches_digest
from vcid.credentials.types import (
    BIRTH_SCHEMA,
    GUARDIANSHIP_SCHEMA,
    TRAVEL_CONSENT_SCHEMA,
    VCID_CONTEXT,
    BirthRecord,
    Companion,
    CourtOrder,
    Guardian,
    Guardianship,
    GuardianshipLimits,
    Parent,
    Person,
    PlaceOfBirth,
    PostalAddress,
    ReceivingPerson,
    Registration,
    TravelConsent,
)

__all__ = [
    "BIRTH_SCHEMA",
    "COUNTRY_CODES",
    "DEFAULT_MAJORITY_AGE",
    "GUARDIANSHIP_SCHEMA",
    "TRAVEL_CONSENT_SCHEMA",
    "VCID_CONTEXT",
    "BirthRecord",
    "Companion",
    "CourtOrder",
    "Guardian",
    "Guardianship",
    "GuardianshipLimits",
    "Parent",
    "Person",
    "PlaceOfBirth",
    "PostalAddress",
    "ReceivingPerson",
    "Registration",
    "TravelConsent",
    "birth_credential",
    "credential_digest_multibase",
    "guardianship_credential",
    "is_country_code",
    "matches_digest",
    "travel_consent_credential",
]
