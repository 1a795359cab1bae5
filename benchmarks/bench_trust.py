"""Trust lists: a warm trust lookup, as a border check pays it.

* ``trust lookup, warm``: :meth:`TrustListRegistry.query` for a registrar
  accredited through a national authority by a root anchor (two signed
  lists), with the lists verified and the answer cached, in lookups per
  second (issue 10 asks for under 0.1 ms, i.e. over 10,000 per second);
  the same for an unlisted issuer.
* ``trust lookup, cold``: a new registry each time: verify both lists'
  proofs (eddsa-rdfc-2022) and walk the chain.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta

from benchmarks._timing import measure
from vcid._json import JsonObject
from vcid.accreditation import TrustQuery
from vcid.environment import VerificationEnvironment
from vcid.jsonld import JsonLdProcessor
from vcid.keyfile import KeyFile
from vcid.keys import KeyType
from vcid.trust import Accreditation, TrustListRegistry, sign_trust_list, trust_list_credential

NOW = datetime(2026, 6, 1, tzinfo=UTC)
YEAR = timedelta(days=365)


def _list(key: KeyFile, entries: list[Accreditation], list_id: str) -> JsonObject:
    unsigned = trust_list_credential(
        issuer=key.controller,
        accreditations=entries,
        list_id=list_id,
        valid_from=NOW - YEAR,
        valid_until=NOW + YEAR,
    )
    return sign_trust_list(unsigned, key=key, jsonld=JsonLdProcessor(), created=NOW - YEAR)


def run(quick: bool) -> list[tuple[str, float]]:
    """Each benchmark's name and value (lookups per second)."""
    seconds = 0.2 if quick else 1.0
    root, national, registrar = (KeyFile.generate(KeyType.ED25519) for _ in range(3))
    lists = [
        _list(
            root,
            [
                Accreditation(
                    entity=national.controller,
                    credential_types=frozenset({"TrustListCredential", "BirthCredential"}),
                    jurisdictions=frozenset({"ZA"}),
                    valid_from=NOW - 2 * YEAR,
                    valid_until=NOW + 5 * YEAR,
                )
            ],
            "urn:uuid:bench-root",
        ),
        _list(
            national,
            [
                Accreditation(
                    entity=registrar.controller,
                    credential_types=frozenset({"BirthCredential"}),
                    jurisdictions=frozenset({"ZA"}),
                    valid_from=NOW - YEAR,
                    valid_until=NOW + YEAR,
                )
            ],
            "urn:uuid:bench-national",
        ),
    ]
    registry = TrustListRegistry(lists, anchors=[root.controller])
    environment = VerificationEnvironment(trust=registry)
    query = TrustQuery(
        entity=registrar.controller,
        credential_type="BirthCredential",
        jurisdiction="ZA",
        time=NOW - timedelta(days=30),
    )
    if not registry.query(query, now=NOW, environment=environment).authorised:
        sys.exit("benchmark trust lookup was not authorised")
    stranger = TrustQuery(
        entity=KeyFile.generate(KeyType.ED25519).controller,
        credential_type="BirthCredential",
        jurisdiction="ZA",
        time=NOW,
    )
    registry.query(stranger, now=NOW, environment=environment)

    def cold() -> object:
        fresh = TrustListRegistry(lists, anchors=[root.controller])
        return fresh.query(query, now=NOW, environment=environment)

    return [
        (
            "trust lookup, warm: root -> national -> registrar",
            measure(lambda: registry.query(query, now=NOW, environment=environment), seconds, 3),
        ),
        (
            "trust lookup, warm: unlisted issuer",
            measure(lambda: registry.query(stranger, now=NOW, environment=environment), seconds, 3),
        ),
        ("trust lookup, cold: verify 2 lists + walk the chain", measure(cold, seconds, 3)),
    ]
