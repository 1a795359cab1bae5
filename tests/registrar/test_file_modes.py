"""Files a registrar's commands create are owner-only: files 0600, folders 0700."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.registrar._data import registration, write_jsonl
from vcid.ledger import SQLiteLog
from vcid.status import StatusListAllocator, open_sqlite_store

PASSPHRASE = "registrar modes passphrase"
ENV = {**os.environ, "PYTHONWARNINGS": "ignore", "VCID_KEY_PASSPHRASE": PASSPHRASE}


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    """The common umask 022, under which SQLite alone would create 0644 files."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def modes(folder: Path) -> dict[str, int]:
    """Every path under ``folder`` (relative name) -> its permission bits."""
    found = {}
    for path in sorted(folder.rglob("*")):
        found[str(path.relative_to(folder))] = stat.S_IMODE(path.lstat().st_mode)
    return found


def vcid(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vcid.cli", *args],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=300,
        check=False,
    )


def test_every_file_the_batch_commands_create_is_owner_only(tmp_path: Path) -> None:
    """Key file, ledger, status store, journals, locks, outputs and rejects: 0600; folders 0700."""
    rows = [registration(i) for i in range(12)]
    rows[3] = registration(3, birth_country="QQ")  # so a rejects file is written
    source = write_jsonl(tmp_path / "in.jsonl", rows)
    work = tmp_path / "registrar"
    work.mkdir(mode=0o700)
    created = vcid("key", "generate", "--out", str(work / "registrar.key"))
    assert created.returncode == 0, created.stderr
    for out in ("issued", "lines.jsonl"):
        result = vcid(
            "registrar",
            "issue-batch",
            "--key",
            str(work / "registrar.key"),
            "--input",
            str(source),
            "--out",
            str(work / out),
            "--workers",
            "1",
            "--status-base-url",
            "https://registrar.example/status",
        )
        assert result.returncode == 0, result.stderr
    found = modes(work)
    expected = {
        "registrar.key",
        "ledger.db",
        "status.db",
        "issued",
        "issued.state",
        "issued.state.lock",
        "issued.rejects.jsonl",
        "lines.jsonl",
        "lines.jsonl.state",
        "lines.jsonl.state.lock",
        "lines.rejects.jsonl",
    }
    assert expected <= set(found)
    assert sum(1 for name in found if name.startswith("issued/")) == 11
    for name, mode in found.items():
        wanted = 0o700 if (work / name).is_dir() else 0o600
        assert mode == wanted, f"{name}: {mode:o}"


def test_sqlite_side_files_are_owner_only(tmp_path: Path) -> None:
    """While the ledger and the status store are open, their -wal and -shm files are 0600."""
    now = datetime(2026, 3, 1, tzinfo=UTC)
    with SQLiteLog(tmp_path / "ledger.db", origin="did:example:registrar/births") as log:
        log.append_credential(b"\x01" * 32, issued_at=now)
        store = open_sqlite_store(tmp_path / "status.db")
        try:
            allocator = StatusListAllocator(store, base_url="https://registrar.example/status")
            allocator.allocate("urn:uuid:00000000-0000-4000-8000-000000000001")
            found = modes(tmp_path)
        finally:
            store.close()
    for name in ("ledger.db", "status.db"):
        for suffix in ("", "-wal", "-shm"):
            assert found.get(name + suffix) == 0o600, (name + suffix, found)
