"""Bitstring Status List: status checks with a warm cache, list updates and publication.

* ``status check, warm cache``: :meth:`BitstringStatusChecker.check_status`
  for a credential with three entries (revocation, suspension, message)
  whose lists are cached, in checks per second; and cold (a new checker:
  parse and verify the three list credentials, then decode them).
* ``revoke + new signed list version``: one :meth:`StatusRegistry.revoke` on
  a list of 1,000,000 entries (131,072 with ``--quick``) holding 100,000
  allocated credentials (2,000), 10% of them revoked: update the value, rebuild and
  GZIP the bitstring, sign (eddsa-rdfc-2022), store in SQLite, append the
  commitment to a log; in milliseconds.
* ``publish + export``: re-sign every list and write them to a folder
  (three lists of that size); in milliseconds.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks._timing import measure
from vcid import _json
from vcid.issuer import issue
from vcid.keyfile import KeyFile
from vcid.keys import KeyType
from vcid.model import validate_credential
from vcid.status import (
    BitstringStatusChecker,
    StatusAction,
    StatusRegistry,
    open_sqlite_store,
)

NOW = datetime(2026, 6, 1, tzinfo=UTC)


class _Log:
    def __init__(self) -> None:
        self.count = 0

    def append_status_list(self, commitment: bytes, *, issued_at: datetime) -> int:
        self.count += 1
        return self.count - 1


class _Fetcher:
    def __init__(self, documents: dict[str, bytes]) -> None:
        self.documents = documents

    def fetch(self, url: str) -> bytes:
        return self.documents[url]


def _millis(action: Callable[[int], object], rounds: int) -> float:
    """Median milliseconds of ``rounds`` calls (each given its round number)."""
    times = []
    for round_number in range(rounds):
        start = time.perf_counter()
        action(round_number)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def run(quick: bool) -> list[tuple[str, float]]:
    """Each benchmark's name and value (checks per second, or milliseconds)."""
    size = 131_072 if quick else 1_000_000
    credentials = 2_000 if quick else 100_000
    rounds = 3 if quick else 10
    label = "131,072" if quick else "1,000,000"
    results: list[tuple[str, float]] = []
    key = KeyFile.generate(KeyType.ED25519)
    with tempfile.TemporaryDirectory() as folder:
        store = open_sqlite_store(Path(folder) / "status.db")
        registry = StatusRegistry(
            store, key=key, base_url="https://registrar.example/status", log=_Log()
        )
        allocator = registry.allocator(list_size=size)
        ids = [f"urn:uuid:bench-{n}" for n in range(credentials)]
        entries = allocator.allocate_many(ids)
        revoked = credentials // 10
        registry.apply([(cid, StatusAction.REVOKE) for cid in ids[:revoked]], now=NOW)
        lists = registry.publish(now=NOW)

        # 1. status checks with a warm cache
        documents = {str(d["id"]): _json.dumps(d).encode() for d in lists}
        checker = BitstringStatusChecker(fetcher=_Fetcher(documents))
        credential = issue(
            {
                "@context": ["https://www.w3.org/ns/credentials/v2"],
                "id": ids[-1],
                "type": ["VerifiableCredential"],
                "issuer": key.controller,
                "credentialSubject": {"id": "did:example:child"},
                "credentialStatus": list(entries[ids[-1]]),
            },
            key=key,
        )
        view = validate_credential(credential)
        checks = checker.check_status(view, now=NOW)
        if not all(c.outcome.value == "passed" for c in checks):
            sys.exit(f"benchmark status check did not pass: {checks}")
        results.append(
            (
                f"status check, warm cache: 3 entries ({label})",
                measure(lambda: checker.check_status(view, now=NOW), 0.2 if quick else 1.0, 3),
            )
        )

        def cold() -> object:
            fresh = BitstringStatusChecker(fetcher=_Fetcher(documents))
            return fresh.check_status(view, now=NOW)

        results.append(
            (
                f"status check, cold: fetch + verify 3 lists ({label})",
                measure(cold, 0.2 if quick else 1.0, 3),
            )
        )

        # 2. one revocation: a new signed, stored, logged version of the list
        targets = ids[revoked:]

        def revoke(round_number: int) -> None:
            registry.revoke(targets[round_number], now=NOW + timedelta(seconds=round_number))

        results.append((f"revoke + new signed list version, {label} (ms)", _millis(revoke, rounds)))

        # 3. publication: every list re-signed and written to a folder
        out = Path(folder) / "published"

        def publish(round_number: int) -> None:
            registry.export(out, now=NOW + timedelta(days=2 * (round_number + 1)))

        results.append((f"publish + export 3 lists of {label} (ms)", _millis(publish, rounds)))
        encoded = max(len(d) for d in documents.values())
        results.append((f"largest list credential, {label} entries (KB)", encoded / 1024))
        store.close()
    return results
