"""Bulk issuance: ``issue_batch`` rows per second, end to end.

Each figure is one whole batch of 5,000 birth registrations (200 with
``--quick``) from a CSV file: read, build and schema-check each
``BirthCredential``, sign with eddsa-rdfc-2022, write, sync and journal;
the best of two runs, in credentials per second.

* ``issue-batch jsonl, 1 worker``: signing in the calling process.
* ``issue-batch jsonl, N workers``: a forked pool of the CPU count.
* ``issue-batch folder, N workers``: one file per credential (fsync each).
"""

from __future__ import annotations

import csv
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from vcid.keyfile import KeyFile
from vcid.keys import KeyType
from vcid.registrar import REQUIRED_COLUMNS, Registrar, issue_batch

NOW = datetime(2026, 6, 1, tzinfo=UTC)
_PARENT = ("parent1_given_name", "parent1_family_name", "parent1_role")


def _write_rows(path: Path, count: int) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow((*REQUIRED_COLUMNS, *_PARENT))
        for i in range(count):
            writer.writerow(
                (
                    f"BR-2026-{i:07d}", "2026-05-30", "Civil Registry Office", "Amara",
                    "Okafor", f"2026-0{1 + i % 5}-{1 + i % 28:02d}", "Chisinau", "MD",
                    "FMX"[i % 3], "long", "Ngozi", "Okafor", "mother",
                )
            )  # fmt: skip
    return path


def _rate(source: Path, folder: Path, *, out: str, workers: int) -> float:
    best = 0.0
    key = KeyFile.generate(KeyType.ED25519)
    for attempt in range(2):
        result = issue_batch(
            source,
            registrar=Registrar(key),
            out=folder / f"{out}-{workers}-{attempt}{'.jsonl' if out == 'jsonl' else ''}",
            workers=workers,
            now=NOW,
        )
        best = max(best, result.rate)
    return best


def run(quick: bool) -> list[tuple[str, float]]:
    count = 200 if quick else 5_000
    cpus = min(os.cpu_count() or 1, 64)
    with tempfile.TemporaryDirectory() as directory:
        folder = Path(directory)
        source = _write_rows(folder / "registrations.csv", count)
        return [
            ("issue-batch jsonl, 1 worker", _rate(source, folder, out="jsonl", workers=1)),
            (
                f"issue-batch jsonl, {cpus} workers",
                _rate(source, folder, out="jsonl", workers=cpus),
            ),
            (
                f"issue-batch folder, {cpus} workers",
                _rate(source, folder, out="folder", workers=cpus),
            ),
        ]


__all__ = ["run"]
