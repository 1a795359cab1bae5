"""verify_many throughput: credentials a second with 0 (in process), 1 and 2 workers.

6,000 signed birth credentials (``--quick``: 300), 500 distinct ones cycled,
verified with :func:`vcid.bulk.verify_many`; the time includes starting the
pool (spawn), so the figure is what a registrar's audit run sees. Not pinned:
the point is to use every core.
"""

from __future__ import annotations

import itertools
import time
from datetime import UTC, datetime

from vcid._json import JsonObject
from vcid.bulk import verify_many
from vcid.demo import sample_birth_credential
from vcid.issuer import issue
from vcid.keyfile import KeyFile
from vcid.keys import KeyType

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def _credentials(count: int) -> list[JsonObject]:
    registrar = KeyFile.generate(KeyType.ED25519)
    parent = KeyFile.generate(KeyType.ED25519)
    signed = []
    for index in range(count):
        document = sample_birth_credential(registrar.controller, parent.controller)
        subject = dict(document["credentialSubject"])  # type: ignore[arg-type]
        subject["registrationNumber"] = f"MD-2019-{index:06d}"
        document["credentialSubject"] = subject
        signed.append(issue(document, key=registrar))
    return signed


def run(quick: bool) -> list[tuple[str, float]]:
    """Credentials verified a second by verify_many, per worker count."""
    total = 300 if quick else 6000
    distinct = _credentials(min(total, 500))
    results = []
    for workers in (0, 1, 2):
        start = time.perf_counter()
        verified = 0
        for report in verify_many(
            itertools.islice(itertools.cycle(distinct), total), workers=workers, now=NOW
        ):
            verified += report.verified
        elapsed = time.perf_counter() - start
        if verified != total:
            raise SystemExit(f"verify_many: {total - verified} credentials did not verify")
        label = "in process" if workers == 0 else f"{workers} worker{'s' * (workers > 1)}"
        results.append((f"verify_many eddsa-rdfc-2022, {label}", total / elapsed))
    return results
