"""`vcid registrar issue-batch`, run for real: 10,000 rows, SIGKILL half-way, rerun.

The 10,000-row files carry every kind of damage (not UTF-8, an over-long
line, an over-long name, broken quoting, a 10 MB value of line breaks, a
byte order mark) at the start, the middle and the end: each damaged line
is rejected with its line number, and every good row is issued once.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import select
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.registrar._data import (
    GIVEN,
    NOW,
    SECRET_NAME,
    DamagedBatch,
    registration,
    write_csv,
    write_damaged,
    write_jsonl,
)
from vcid import KeyFile, read_key_file
from vcid._json import JsonObject
from vcid.ledger import SQLiteLog, credential_commitment
from vcid.registrar import Registrar
from vcid.verifier import CredentialVerifier

PASSPHRASE = "registrar batch passphrase"
ENV = {**os.environ, "PYTHONWARNINGS": "ignore", "VCID_KEY_PASSPHRASE": PASSPHRASE}
BATCH = 10_000


def vcid(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vcid.cli", *args],
        capture_output=True,
        text=True,
        env=ENV if env is None else env,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("batch")


@pytest.fixture(scope="module")
def key_path(workdir: Path) -> Path:
    path = workdir / "registrar.key"
    result = vcid("key", "generate", "--out", str(path))
    assert result.returncode == 0, result.stderr
    return path


@pytest.fixture(scope="module")
def key(key_path: Path) -> KeyFile:
    return read_key_file(key_path, passphrase=PASSPHRASE.encode())


@pytest.fixture(scope="module")
def damaged_csv(workdir: Path) -> DamagedBatch:
    return write_damaged(workdir / "damaged.csv", BATCH)


@pytest.fixture(scope="module")
def damaged_jsonl(workdir: Path) -> DamagedBatch:
    return write_damaged(workdir / "damaged.jsonl", BATCH)


def jsonl_credentials(path: Path) -> list[JsonObject]:
    data = path.read_bytes()
    assert data.endswith(b"\n"), "the last line is torn"
    return [json.loads(line) for line in data.split(b"\n")[:-1]]


def check_damaged_batch(
    credentials: list[JsonObject],
    batch: DamagedBatch,
    rejects_path: Path,
    key: KeyFile,
    *messages: str,
) -> None:
    """Every good row issued once, each damaged line rejected by number, no child's data."""
    numbers = [
        c["credentialSubject"]["birthRegistration"]["registrationNumber"]  # type: ignore[index,call-overload]
        for c in credentials
    ]
    assert len(numbers) == len(batch.good)
    assert set(numbers) == batch.good
    registrar = Registrar(key)
    assert {c["id"] for c in credentials} == {registrar.birth_credential_id(n) for n in batch.good}
    text = rejects_path.read_text(encoding="utf-8")
    rejects = [json.loads(line) for line in text.splitlines()]
    assert {r["line"] for r in rejects} == batch.rejected_lines
    assert len(rejects) == len(batch.rejected_lines)
    assert all(set(r) >= {"row", "line", "code", "reason"} for r in rejects)
    for message in (text, *messages):
        for personal in (SECRET_NAME, "Secretname", "Zamfir", *GIVEN):
            assert personal not in message
    verifier = CredentialVerifier()
    for credential in random.Random(7).sample(credentials, 20):
        report = verifier.verify_credential(credential, now=NOW.replace(year=2030))
        assert report.verified, report.to_text()


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_damaged_file_in_one_command(
    workdir: Path,
    key_path: Path,
    key: KeyFile,
    damaged_csv: DamagedBatch,
    damaged_jsonl: DamagedBatch,
    fmt: str,
) -> None:
    """One command over 10,000 rows with damage at the start, middle and end: the batch
    goes on (exit 0), and stderr has only the rejects note (no bar off a terminal)."""
    batch = damaged_csv if fmt == "csv" else damaged_jsonl
    out = workdir / f"damaged-{fmt}.jsonl"
    started = time.monotonic()
    result = vcid(
        "registrar",
        "issue-batch",
        "--key",
        str(key_path),
        "--input",
        str(batch.path),
        "--out",
        str(out),
        "--workers",
        "2",
        "--no-ledger",
    )
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    rejected = len(batch.rejected_lines)
    assert result.stdout.startswith(f"issued {len(batch.good):,}, rejected {rejected:,}, ")
    assert result.stderr.strip().splitlines() == [
        f"vcid: {rejected} rows rejected: see {workdir / f'damaged-{fmt}.rejects.jsonl'}"
    ]
    check_damaged_batch(
        jsonl_credentials(out),
        batch,
        workdir / f"damaged-{fmt}.rejects.jsonl",
        key,
        result.stdout,
        result.stderr,
    )
    print(f"\n{fmt}, damaged, in {elapsed:.1f} s: {result.stdout.strip()}")


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    return state == "Z"


def kill_half_way(args: list[str], done: Callable[[], int]) -> int:
    """Start the batch, SIGKILL it once about half the rows are out; returns that count."""
    process = subprocess.Popen(
        [sys.executable, "-m", "vcid.cli", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=ENV,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 240
        while done() < BATCH // 2:
            assert process.poll() is None, "the batch finished before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.02)
        workers = _children(process.pid)
        process.send_signal(signal.SIGKILL)
        assert process.wait(timeout=30) == -signal.SIGKILL
        count = done()
        # the signing workers notice their parent is gone and exit
        deadline = time.monotonic() + 15
        while not all(_gone(pid) for pid in workers):
            assert time.monotonic() < deadline, "orphaned workers kept running"
            time.sleep(0.1)
    finally:
        if process.poll() is None:
            process.kill()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    assert 0 < count < BATCH
    return count


def _count_lines(path: Path) -> int:
    try:
        return path.read_bytes().count(b"\n")
    except FileNotFoundError:
        return 0


def _count_files(path: Path) -> int:
    try:
        return sum(1 for e in os.scandir(path) if e.name.endswith(".json"))
    except FileNotFoundError:
        return 0


@pytest.mark.parametrize("mode", ["jsonl", "folder"])
def test_sigkill_half_way_then_rerun(
    workdir: Path,
    key_path: Path,
    key: KeyFile,
    damaged_csv: DamagedBatch,
    damaged_jsonl: DamagedBatch,
    mode: str,
) -> None:
    """Killed half-way (SIGKILL) through a damaged file and run again: every good row
    issued once, complete; every damaged line rejected once."""
    batch = damaged_jsonl if mode == "jsonl" else damaged_csv
    out = workdir / ("killed-lines.jsonl" if mode == "jsonl" else "killed-files")
    args = [
        "registrar",
        "issue-batch",
        "--key",
        str(key_path),
        "--input",
        str(batch.path),
        "--out",
        str(out),
    ]
    if mode == "jsonl":
        kill_half_way(args, lambda: _count_lines(out))
    else:
        kill_half_way(args, lambda: _count_files(out))
    # what the killed run left (journal and ledger side files included) is owner-only
    left = [p for p in workdir.iterdir() if p.name.startswith((out.name, "ledger.db"))]
    assert any(p.name.endswith("-wal") for p in left), left
    for path in left:
        assert stat.S_IMODE(path.stat().st_mode) == (0o700 if path.is_dir() else 0o600), path
    rerun = vcid(*args)
    assert rerun.returncode == 0, rerun.stderr
    counts = re.match(
        r"issued ([\d,]+), rejected ([\d,]+), already done ([\d,]+) of ([\d,]+)", rerun.stdout
    )
    assert counts is not None, rerun.stdout
    issued, rejected, resumed, total = (int(n.replace(",", "")) for n in counts.groups())
    assert resumed >= BATCH // 2 - 1000
    assert resumed + issued + rejected == total
    if mode == "jsonl":
        credentials = jsonl_credentials(out)
    else:
        names = [e.name for e in os.scandir(out)]
        assert all(n.endswith(".json") and not n.startswith(".") for n in names)
        credentials = [json.loads((out / n).read_text()) for n in names]
    rejects = out.with_name(f"{out.name.removesuffix('.jsonl')}.rejects.jsonl")
    assert rejects.stat().st_size > 0
    check_damaged_batch(credentials, batch, rejects, key, rerun.stdout, rerun.stderr)


def test_rejects_and_usage_errors(workdir: Path, key_path: Path) -> None:
    """Bad rows go to the rejects file (exit 0, a note on stderr); bad usage is exit 2, one line."""
    rows = [registration(i) for i in range(5)]
    rows[1] = registration(1, birth_date="2999-01-01")
    rows[2] = registration(2, birth_country="QQ")
    rows[3] = registration(3, child_family_name="")
    source = write_jsonl(workdir / "few.jsonl", rows)
    out = workdir / "few"
    result = vcid(
        "registrar",
        "issue-batch",
        "--key",
        str(key_path),
        "--input",
        str(source),
        "--out",
        str(out),
        "--workers",
        "1",
        "--cryptosuite",
        "eddsa-jcs-2022",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("issued 2, rejected 3, already done 0 of 5")
    assert "3 rows rejected" in result.stderr
    rejects = [
        json.loads(line) for line in (workdir / "few.rejects.jsonl").read_text().splitlines()
    ]
    assert [(r["row"], r["registrationNumber"]) for r in rejects] == [
        (2, "BR-2025-000001"),
        (3, "BR-2025-000002"),
        (4, "BR-2025-000003"),
    ]
    assert all(r["reason"] for r in rejects)
    assert len(list(out.iterdir())) == 2

    bad_header = workdir / "bad.csv"
    bad_header.write_text("registration_number,shoe_size\n1,42\n")
    no_env = {k: v for k, v in ENV.items() if k != "VCID_KEY_PASSPHRASE"}
    for args, env in (
        (["--input", str(bad_header), "--out", str(workdir / "b.jsonl")], None),
        (["--input", str(source), "--out", str(workdir / "c.jsonl")], no_env),
        (["--input", str(source), "--out", str(workdir / "d.jsonl"), "--workers", "0"], None),
        (["--input", str(workdir / "missing.csv"), "--out", str(workdir / "e.jsonl")], None),
    ):
        failed = vcid("registrar", "issue-batch", "--key", str(key_path), *args, env=env)
        assert failed.returncode == 2, failed.stderr
        assert len(failed.stderr.strip().splitlines()) == 1, failed.stderr
        assert "Traceback" not in failed.stderr
    assert not (workdir / "c.jsonl").exists()


def test_progress_bar_on_a_terminal(workdir: Path, key_path: Path) -> None:
    """With stderr on a terminal, a bar with count, rate and ETA is drawn."""
    import pty  # noqa: PLC0415

    source = write_csv(workdir / "bar.csv", (registration(i) for i in range(300)))
    master, slave = pty.openpty()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "vcid.cli",
            "registrar",
            "issue-batch",
            "--key",
            str(key_path),
            "--input",
            str(source),
            "--out",
            str(workdir / "bar.jsonl"),
            "--workers",
            "1",
        ],
        stdout=subprocess.PIPE,
        stderr=slave,
        env=ENV,
    )
    os.close(slave)
    screen = b""
    try:
        while True:
            ready, _, _ = select.select([master], [], [], 0.5)
            if ready:
                try:
                    chunk = os.read(master, 4096)
                except OSError:
                    break
                if not chunk:
                    break
                screen += chunk
            elif process.poll() is not None:
                break
        assert process.wait(timeout=120) == 0
    finally:
        os.close(master)
    text = screen.decode()
    assert "300/300" in text
    assert "/s" in text
    assert "ETA" in text
    assert text.count("\r") >= 2
    assert "Amara" not in text


def test_batch_records_commitments_and_status_by_default(
    workdir: Path, key_path: Path, key: KeyFile
) -> None:
    """Every commitment goes to the ledger (on by default) exactly once; status entries too."""
    csv_path = write_csv(workdir / "small.csv", (registration(i) for i in range(50)))
    ledger = workdir / "small-ledger.db"
    args = ["registrar", "issue-batch", "--key", str(key_path), "--input", str(csv_path)]
    args += ["--out", str(workdir / "small.jsonl"), "--ledger", str(ledger)]
    args += ["--status-base-url", "https://registrar.example/status"]
    args += ["--status-db", str(workdir / "small-status.db")]
    first = vcid(*args)
    assert first.returncode == 0, first.stderr
    credentials = jsonl_credentials(workdir / "small.jsonl")
    assert len(credentials) == 50
    with SQLiteLog(ledger, create=False) as log:
        assert log.size == 50
        for credential in credentials:
            assert log.index_of_commitment(credential_commitment(credential)) is not None
    assert all(len(c["credentialStatus"]) == 3 for c in credentials)  # type: ignore[arg-type]
    again = vcid(*args)  # a rerun is idempotent: nothing issued or logged twice
    assert again.returncode == 0, again.stderr
    assert "issued 0," in again.stdout
    with SQLiteLog(ledger, create=False) as log:
        assert log.size == 50
