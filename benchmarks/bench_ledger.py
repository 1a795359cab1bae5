"""Transparency log: appends, proofs and receipts on the embedded SQLite log.

Operations per second on one core unless the name gives a unit. The large
log (1,000,000 entries; 10,000 with ``--quick``) is built once in a
temporary folder with batched appends.
"""

from __future__ import annotations

import hashlib
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks._timing import measure
from vcid._json import JsonObject, dumps
from vcid.environment import VerificationEnvironment
from vcid.keyfile import KeyFile
from vcid.keys import KeyType
from vcid.ledger import merkle
from vcid.ledger.entry import EntryType, LogEntry, credential_commitment
from vcid.ledger.receipt import check_receipt, receipt_for
from vcid.ledger.sqlite import SQLiteLog

NOW = datetime(2026, 6, 1, tzinfo=UTC)
BATCH = 1000


def entry(i: int, tag: bytes = b"e") -> LogEntry:
    return LogEntry(
        type=EntryType.CREDENTIAL,
        commitment=hashlib.sha256(tag + i.to_bytes(8, "big")).digest(),
        time=1_780_000_000 + i,
    )


def _single_appends(folder: Path, synchronous: str, n: int) -> float:
    log = SQLiteLog(folder / f"single-{synchronous}.db", origin="bench.example/single",
                    synchronous=synchronous)  # type: ignore[arg-type]  # fmt: skip
    entries = [entry(i, b"s") for i in range(n)]
    start = time.perf_counter()
    for item in entries:
        log.append([item])
    elapsed = time.perf_counter() - start
    log.close()
    return n / elapsed


def run(quick: bool) -> list[tuple[str, float]]:
    size = 10_000 if quick else 1_000_000
    seconds = 0.3 if quick else 2.0
    results: list[tuple[str, float]] = []
    with tempfile.TemporaryDirectory(prefix="vcid-bench-ledger-") as tmp:
        folder = Path(tmp)
        singles = 200 if quick else 2000
        results.append(("sqlite append, one per transaction (FULL sync)",
                        _single_appends(folder, "FULL", singles)))  # fmt: skip
        results.append(("sqlite append, one per transaction (NORMAL sync)",
                        _single_appends(folder, "NORMAL", singles)))  # fmt: skip

        path = folder / "big.db"
        log = SQLiteLog(path, origin="bench.example/big")
        start = time.perf_counter()
        for first in range(0, size, BATCH):
            log.append([entry(i) for i in range(first, min(first + BATCH, size))])
        elapsed = time.perf_counter() - start
        results.append((f"sqlite append, batches of {BATCH} (entries/s)", size / elapsed))
        registrar = KeyFile.generate(KeyType.ED25519)
        signed = log.checkpoint(registrar.signer, now=NOW)
        root = signed.checkpoint.root
        label = f"{size:,}"
        results.append((f"db file size at {label} entries (bytes/entry)",
                        sum(p.stat().st_size for p in folder.glob("big.db*")) / size))  # fmt: skip

        results.append((f"tree root at {label}", measure(lambda: log.root(size), seconds)))
        index = size // 3
        proof = log.inclusion_proof(index, size)
        leaf = entry(index).leaf_hash
        results.append((f"inclusion proof at {label}: build", measure(
            lambda: log.inclusion_proof(index, size), seconds)))  # fmt: skip
        results.append((f"inclusion proof at {label}: size (bytes)", float(32 * len(proof))))
        verify = measure(lambda: merkle.verify_inclusion(leaf, index, size, proof, root), seconds)
        results.append((f"inclusion proof at {label}: verify", verify))
        results.append((f"inclusion proof at {label}: verify time (us)", 1e6 / verify))
        old = size // 2 + 1
        consistency = log.consistency_proof(old, size)
        results.append((f"consistency proof {old:,}->{label}: size (bytes)",
                        float(32 * len(consistency))))  # fmt: skip
        old_root = log.root(old)
        results.append((f"consistency proof at {label}: verify", measure(
            lambda: merkle.verify_consistency(old, size, consistency, old_root, root),
            seconds)))  # fmt: skip
        step = [0]

        def checkpoint() -> None:
            step[0] += 1
            log.checkpoint(registrar.signer, now=NOW + timedelta(seconds=step[0]))

        results.append(
            (f"checkpoint (root + sign + store) at {label}", measure(checkpoint, seconds))
        )

        credential: JsonObject = {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "issuer": registrar.controller,
            "credentialSubject": {"id": "did:example:child"},
            "proof": {"proofValue": "z" + "1" * 86},
        }
        log.append_credential(credential_commitment(credential), issued_at=NOW)
        log.checkpoint(registrar.signer, now=NOW + timedelta(days=1))
        receipt = receipt_for(log, credential_commitment(credential))
        document = receipt.to_json()
        results.append((f"receipt at {label}: JSON size (bytes)", float(len(dumps(document)))))
        environment = VerificationEnvironment()
        results.append((f"receipt at {label}: check offline (did:key)", measure(
            lambda: check_receipt(credential, document, environment=environment,
                                  issuer=registrar.controller, now=NOW + timedelta(days=2)),
            seconds)))  # fmt: skip
        log.close()
    return results


if __name__ == "__main__":
    import sys

    for name, value in run("--quick" in sys.argv):
        print(f"{name:<60} {value:>14,.1f}")
