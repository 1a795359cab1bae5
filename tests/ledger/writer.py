"""A log writer run as a separate process by the fault and concurrency tests.

``python -m tests.ledger.writer sqlite PATH ORIGIN TAG COUNT`` or
``python -m tests.ledger.writer postgres DSN ORIGIN TAG COUNT [BATCH]`` appends
COUNT entries whose commitments are ``SHA-256("TAG:i")``, alternating ten
single appends and ten batches of BATCH (default 7), and prints
``index leaf-hash-hex`` for each entry once its append has returned (that is,
once it is acknowledged).
"""

from __future__ import annotations

import hashlib
import sys

from vcid.ledger.entry import EntryType, LogEntry
from vcid.ledger.log import StoredLog


def entry_for(tag: str, i: int) -> LogEntry:
    commitment = hashlib.sha256(f"{tag}:{i}".encode()).digest()
    return LogEntry(type=EntryType.CREDENTIAL, commitment=commitment, time=1_767_225_600 + i)


def open_log(kind: str, where: str, origin: str) -> StoredLog:
    if kind == "sqlite":
        from vcid.ledger.sqlite import SQLiteLog  # noqa: PLC0415

        return SQLiteLog(where, origin=origin)
    from vcid.ledger.postgres import PostgresLog  # noqa: PLC0415

    return PostgresLog(where, origin=origin)


def main(argv: list[str]) -> int:
    kind, where, origin, tag, count = argv[0], argv[1], argv[2], argv[3], int(argv[4])
    batch_size = int(argv[5]) if len(argv) > 5 else 7
    log = open_log(kind, where, origin)
    i = step = 0
    while i < count:
        size = 1 if (step // 10) % 2 == 0 else batch_size
        step += 1
        batch = [entry_for(tag, j) for j in range(i, min(i + size, count))]
        refs = log.append(batch)
        sys.stdout.write("".join(f"{r.index} {r.leaf_hash.hex()}\n" for r in refs))
        sys.stdout.flush()
        i += len(batch)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
