"""Memory stays flat: resident set size over many verifications.

Verifies 100,000 credentials (``--quick``: 2,000) with one long-lived
:class:`~vcid.verifier.CredentialVerifier`, cycling through 500 distinct
signed birth credentials (different subjects and parents), then twice 2,000
documents that each bring a new inline context (every one a cache miss, the
worst case for the compiled-context caches). Reports the resident set size
after warm-up and its growth over each phase, in MiB: all caches are bounded
and keyed by immutable content, so verification adds nothing and the misses
stop adding once the bounded caches are full.
"""

from __future__ import annotations

import copy
import gc
import resource
from datetime import UTC, datetime
from pathlib import Path

from vcid._json import JsonObject
from vcid.demo import sample_birth_credential
from vcid.issuer import issue
from vcid.jsonld import JsonLdProcessor
from vcid.keyfile import KeyFile
from vcid.keys import KeyType
from vcid.verifier import CredentialVerifier

NOW = datetime(2026, 6, 1, tzinfo=UTC)
_PAGE = resource.getpagesize()


def rss_mib() -> float:
    """The current resident set size, in MiB (Linux ``/proc``; else peak RSS)."""
    statm = Path("/proc/self/statm")
    if statm.is_file():
        return int(statm.read_text().split()[1]) * _PAGE / 2**20
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**10


def _credentials(count: int) -> list[JsonObject]:
    registrar = KeyFile.generate(KeyType.ED25519)
    signed = []
    for index in range(count):
        parent = KeyFile.generate(KeyType.ED25519)
        document = sample_birth_credential(registrar.controller, parent.controller)
        subject = dict(document["credentialSubject"])  # type: ignore[arg-type]
        subject["registrationNumber"] = f"MD-2019-{index:06d}"
        document["credentialSubject"] = subject
        signed.append(issue(document, key=registrar))
    return signed


def _new_context_documents(count: int) -> list[JsonObject]:
    documents: list[JsonObject] = []
    for index in range(count):
        documents.append(
            {
                "@context": [
                    "https://www.w3.org/ns/credentials/v2",
                    {"note": f"https://vcid.example/vocab/{index}#note"},
                ],
                "type": ["VerifiableCredential"],
                "issuer": "did:example:issuer",
                "credentialSubject": {"id": f"did:example:{index}", "note": "n"},
            }
        )
    return documents


def run(quick: bool) -> list[tuple[str, float]]:
    """RSS after warm-up and its growth per phase (MiB)."""
    total = 2_000 if quick else 100_000
    distinct = 50 if quick else 500
    misses = 200 if quick else 2_000
    credentials = _credentials(distinct)
    verifier = CredentialVerifier()
    processor = JsonLdProcessor()
    # Warm-up: every credential once, so steady-state caches are filled.
    for credential in credentials:
        if not verifier.verify_credential(credential, now=NOW).verified:
            raise SystemExit("benchmark credential does not verify")
    gc.collect()
    start = rss_mib()
    for index in range(total):
        verifier.verify_credential(credentials[index % distinct], now=NOW)
    gc.collect()
    after_verify = rss_mib()
    documents = _new_context_documents(2 * misses)
    for document in documents[:misses]:
        processor.canonical_nquads(copy.deepcopy(document))
    gc.collect()
    after_misses = rss_mib()
    for document in documents[misses:]:
        processor.canonical_nquads(copy.deepcopy(document))
    gc.collect()
    after_more = rss_mib()
    verify_label = f"memory: RSS growth over {total:,} verifications (MiB)"
    miss_label = f"memory: RSS growth over {misses:,} new inline contexts (MiB)"
    more_label = f"memory: RSS growth over {misses:,} more (caches full) (MiB)"
    return [
        ("memory: RSS after warm-up (MiB)", start),
        (verify_label, after_verify - start),
        (miss_label, after_misses - after_verify),
        (more_label, after_more - after_misses),
    ]
