"""Trust test helpers: a root authority, a national authority and a registrar.

The chain: the root (the verifier's trust anchor) accredits the national
authority of South Africa for trust lists, birth and guardianship
credentials in ZA; the national authority accredits a registrar for
birth credentials in ZA. Everything is signed with fresh did:key keys, offline.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from vcid._json import JsonObject
from vcid.issuer import issue
from vcid.jsonld import JsonLdProcessor
from vcid.keyfile import KeyFile
from vcid.keys import KeyType
from vcid.trust import Accreditation, sign_trust_list, trust_list_credential

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
ISSUED = datetime(2026, 2, 1, 9, 0, tzinfo=UTC)
YEAR = timedelta(days=365)
JSONLD = JsonLdProcessor()


def signed_list(
    key: KeyFile,
    accreditations: Sequence[Accreditation],
    *,
    list_id: str,
    valid_from: datetime = NOW - YEAR,
    valid_until: datetime | None = NOW + YEAR,
) -> JsonObject:
    unsigned = trust_list_credential(
        issuer=key.controller,
        accreditations=accreditations,
        list_id=list_id,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    return sign_trust_list(unsigned, key=key, jsonld=JSONLD, created=NOW - YEAR)


def birth_credential(
    key: KeyFile, *, country: str = "ZA", region: str | None = None, valid_from: datetime = ISSUED
) -> JsonObject:
    place: JsonObject = {"addressLocality": "Cape Town", "addressCountry": country}
    if region is not None:
        place["addressRegion"] = region
    return issue(
        {
            "@context": ["https://www.w3.org/ns/credentials/v2", "https://w3id.org/vcid/v1"],
            "type": ["VerifiableCredential", "BirthCredential"],
            "issuer": key.controller,
            "validFrom": valid_from.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "credentialSubject": {
                "givenName": "Lerato",
                "birthDate": "2019-03-14",
                "birthPlace": place,
            },
        },
        key=key,
        created=valid_from,
    )


@dataclass
class Chain:
    """Keys and signed lists of a three-level chain."""

    root: KeyFile = field(default_factory=lambda: KeyFile.generate(KeyType.ED25519))
    national: KeyFile = field(default_factory=lambda: KeyFile.generate(KeyType.ED25519))
    registrar: KeyFile = field(default_factory=lambda: KeyFile.generate(KeyType.ED25519))

    def national_accreditation(self, **changes: object) -> Accreditation:
        values: dict[str, object] = {
            "entity": self.national.controller,
            "credential_types": {
                "TrustListCredential",
                "BirthCredential",
                "GuardianshipCredential",
            },
            "jurisdictions": {"ZA"},
            "valid_from": NOW - 2 * YEAR,
            "valid_until": NOW + 5 * YEAR,
        }
        values.update(changes)
        return Accreditation(**values)  # type: ignore[arg-type]

    def registrar_accreditation(self, **changes: object) -> Accreditation:
        values: dict[str, object] = {
            "entity": self.registrar.controller,
            "credential_types": {"BirthCredential"},
            "jurisdictions": {"ZA"},
            "valid_from": NOW - YEAR,
            "valid_until": NOW + YEAR,
        }
        values.update(changes)
        return Accreditation(**values)  # type: ignore[arg-type]

    def root_list(self, *extra: Accreditation, national: Accreditation | None = None) -> JsonObject:
        return signed_list(
            self.root,
            [national or self.national_accreditation(), *extra],
            list_id="urn:uuid:00000000-0000-4000-8000-000000000001",
        )

    def national_list(self, *accreditations: Accreditation) -> JsonObject:
        return signed_list(
            self.national,
            list(accreditations) or [self.registrar_accreditation()],
            list_id="urn:uuid:00000000-0000-4000-8000-000000000002",
        )


@pytest.fixture
def chain() -> Chain:
    return Chain()
