"""issue_batch: one credential per row, rejects aside, resumable and idempotent."""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

import pytest

from tests.registrar._data import (
    NOW,
    FakeAllocator,
    FakeLog,
    PassingStatus,
    registration,
    write_csv,
    write_jsonl,
)
from vcid import KeyFile, KeyType
from vcid._json import JsonObject
from vcid.errors import UsageError
from vcid.registrar import BatchProgress, Registrar, credential_commitment, issue_batch
from vcid.registrar import batch as batch_module
from vcid.verifier import CredentialVerifier

KEY = KeyFile.generate(KeyType.ED25519)


def lines(path: Path) -> list[JsonObject]:
    data = path.read_bytes()
    assert data == b"" or data.endswith(b"\n"), "a torn last line"
    return [json.loads(line) for line in data.split(b"\n") if line]


def folder_credentials(path: Path) -> dict[str, JsonObject]:
    names = sorted(p.name for p in path.iterdir())
    assert all(n.endswith(".json") and not n.startswith(".") for n in names), names
    return {n: json.loads((path / n).read_text()) for n in names}


@pytest.fixture
def source(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "in.csv", [registration(i) for i in range(1, 51)])


def test_jsonl_batch_issues_every_row(tmp_path: Path, source: Path) -> None:
    """50 rows give 50 distinct, verifying credentials with deterministic ids, in row order."""
    registrar = Registrar(KEY)
    result = issue_batch(source, registrar=registrar, out=tmp_path / "out.jsonl", now=NOW)
    assert (result.total, result.issued, result.rejected, result.resumed) == (50, 50, 0, 0)
    credentials = lines(tmp_path / "out.jsonl")
    expected_ids = [registrar.birth_credential_id(f"BR-2025-{i:06d}") for i in range(1, 51)]
    assert [c["id"] for c in credentials] == expected_ids
    verifier = CredentialVerifier()
    for credential in credentials[::10]:
        assert verifier.verify_credential(credential, now=NOW).verified
    assert (tmp_path / "out.rejects.jsonl").read_bytes() == b""
    assert (tmp_path / "out.jsonl").stat().st_mode & 0o077 == 0
    assert result.issued_at == NOW


def test_folder_batch_writes_one_file_per_credential(tmp_path: Path, source: Path) -> None:
    """Folder output: one <uuid>.json per credential, owner-only, no temporary files left."""
    registrar = Registrar(KEY)
    out = tmp_path / "out"
    issue_batch(source, registrar=registrar, out=out, now=NOW)
    files = folder_credentials(out)
    assert len(files) == 50
    for name, credential in files.items():
        assert credential["id"] == f"urn:uuid:{name[:-5]}"
    assert out.stat().st_mode & 0o077 == 0
    sample = next(iter(files.values()))
    assert CredentialVerifier().verify_credential(sample, now=NOW).verified


def test_rejects_go_aside_and_the_rest_proceed(tmp_path: Path) -> None:
    """Future birth date, unknown country, missing name, a repeated number, a bad line:
    each rejected with its row, number, code and reason; no child's data in the file."""
    rows = [registration(i) for i in range(1, 11)]
    rows[1] = registration(2, birth_date="2027-01-01")  # after NOW
    rows[3] = registration(4, birth_country="ZZ")
    rows[5] = registration(6, child_given_name="")
    rows[7] = registration(8, registration_number="BR-2025-000003")  # repeats row 3
    path = write_jsonl(tmp_path / "in.jsonl", rows)
    with path.open("a") as handle:
        handle.write('{"child_given_name": "Secretname", "oops": 1}\n')
    result = issue_batch(path, registrar=Registrar(KEY), out=tmp_path / "out.jsonl", now=NOW)
    assert (result.issued, result.rejected) == (6, 5)
    assert len(lines(tmp_path / "out.jsonl")) == 6
    rejects = {int(str(r["row"])): r for r in lines(tmp_path / "out.rejects.jsonl")}
    assert sorted(rejects) == [2, 4, 6, 8, 11]
    assert rejects[2]["code"] == "CREDENTIAL_DATA"
    assert "birthDate" in str(rejects[2]["reason"])
    assert "future" in str(rejects[2]["reason"])
    assert rejects[4]["code"] in {"CREDENTIAL_DATA", "SCHEMA_VIOLATION"}
    assert "addressCountry" in str(rejects[4]["reason"])
    assert rejects[6] == {
        "row": 6,
        "line": 6,
        "registrationNumber": "BR-2025-000006",
        "code": "INVALID_REGISTRATION_ROW",
        "reason": "child_given_name: required",
    }
    assert rejects[8]["code"] == "DUPLICATE_REGISTRATION"
    assert rejects[8]["registrationNumber"] == "BR-2025-000003"
    assert rejects[11]["code"] == "INVALID_REGISTRATION_ROW"
    assert "registrationNumber" not in rejects[11]
    text = (tmp_path / "out.rejects.jsonl").read_text()
    for personal in ("Secretname", "2027-01-01", rows[1]["child_given_name"], "Okafor", "Rusu"):
        assert personal not in text
    assert set(rejects[2]) == {"row", "line", "registrationNumber", "code", "reason"}


def test_workers_give_the_same_bytes(tmp_path: Path, source: Path) -> None:
    """Signing in 2 worker processes gives byte-identical output to signing here."""
    one = issue_batch(source, registrar=Registrar(KEY), out=tmp_path / "one.jsonl", now=NOW)
    two = issue_batch(
        source, registrar=Registrar(KEY), out=tmp_path / "two.jsonl", workers=2, now=NOW
    )
    assert two.workers == 2
    assert (tmp_path / "one.jsonl").read_bytes() == (tmp_path / "two.jsonl").read_bytes()
    assert one.issued == two.issued == 50
    issue_batch(source, registrar=Registrar(KEY), out=tmp_path / "dir", workers=2, now=NOW)
    files = folder_credentials(tmp_path / "dir")
    assert sorted(json.dumps(c) for c in files.values()) == sorted(
        json.dumps(c) for c in lines(tmp_path / "one.jsonl")
    )


class Crash(Exception):
    pass


def crash_on_commit(monkeypatch: pytest.MonkeyPatch, call: int) -> None:
    """Make the journal's ``call``-th chunk commit fail: output written, journal not."""
    original = batch_module._Journal.commit_chunk
    calls = {"n": 0}

    def commit(
        self: batch_module._Journal,
        entries: Sequence[tuple[int, str | None, str]],
        sizes: dict[str, int],
    ) -> None:
        calls["n"] += 1
        if calls["n"] == call:
            raise Crash
        original(self, entries, sizes)

    monkeypatch.setattr(batch_module._Journal, "commit_chunk", commit)


@pytest.mark.parametrize("workers", [1, 2])
def test_crash_between_output_and_journal_jsonl(
    tmp_path: Path, source: Path, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    """A crash after a chunk is written but before it is journaled, plus a torn tail:
    the rerun gives the same bytes as an uninterrupted run, one log leaf per credential."""
    monkeypatch.setattr(batch_module, "CHUNK_ROWS", 10)
    reference = tmp_path / "reference.jsonl"
    issue_batch(source, registrar=Registrar(KEY), out=reference, now=NOW)

    allocator, log = FakeAllocator(), FakeLog()
    registrar = Registrar(KEY, status_allocator=allocator, commitment_log=log)
    out = tmp_path / "out.jsonl"
    with monkeypatch.context() as patch:
        crash_on_commit(patch, 3)
        with pytest.raises(Crash):
            issue_batch(source, registrar=registrar, out=out, workers=workers, now=NOW)
    assert len(lines(out)) == 30  # three chunks written, two journaled
    with out.open("ab") as handle:
        handle.write(b'{"@context":["https://www.w3.org/ns/cred')  # a torn line
    result = issue_batch(
        source, registrar=registrar, out=out, workers=workers, now=NOW + timedelta(hours=1)
    )
    assert (result.resumed, result.issued) == (20, 30)
    assert result.issued_at == NOW  # the first run's time is kept
    credentials = lines(out)
    assert len({c["id"] for c in credentials}) == 50
    assert sorted(log.leaves) == sorted(credential_commitment(c) for c in credentials)
    assert len(allocator.entries) == 50
    stripped = [{k: v for k, v in c.items() if k != "credentialStatus"} for c in credentials]
    assert [c["id"] for c in stripped] == [c["id"] for c in lines(reference)]
    verifier = CredentialVerifier(status_checker=PassingStatus())
    assert verifier.verify_credential(credentials[25], now=NOW).verified


def test_crash_between_output_and_journal_folder(
    tmp_path: Path, source: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Folder mode: files written before the crash are rewritten identically, temp files go."""
    monkeypatch.setattr(batch_module, "CHUNK_ROWS", 10)
    out = tmp_path / "out"
    with monkeypatch.context() as patch:
        crash_on_commit(patch, 2)
        with pytest.raises(Crash):
            issue_batch(source, registrar=Registrar(KEY), out=out, now=NOW)
    assert len(list(out.iterdir())) == 20
    (out / ".0000.json.tmp").write_text('{"torn')
    result = issue_batch(source, registrar=Registrar(KEY), out=out, now=NOW)
    assert (result.resumed, result.issued) == (10, 40)
    files = folder_credentials(out)
    assert len(files) == 50


def test_rerun_of_a_finished_batch_does_nothing(tmp_path: Path, source: Path) -> None:
    """Running a finished batch again issues nothing and changes no byte."""
    out = tmp_path / "out.jsonl"
    issue_batch(source, registrar=Registrar(KEY), out=out, now=NOW)
    before = out.read_bytes()
    again = issue_batch(source, registrar=Registrar(KEY), out=out, now=NOW)
    assert (again.issued, again.rejected, again.resumed) == (0, 0, 50)
    assert out.read_bytes() == before


def test_a_lost_folder_file_is_issued_again(tmp_path: Path, source: Path) -> None:
    """A journaled credential whose file is gone is issued again, identically."""
    out = tmp_path / "out"
    issue_batch(source, registrar=Registrar(KEY), out=out, now=NOW)
    victim = sorted(out.iterdir())[7]
    content = victim.read_bytes()
    victim.unlink()
    again = issue_batch(source, registrar=Registrar(KEY), out=out, now=NOW)
    assert (again.issued, again.resumed) == (1, 49)
    assert victim.read_bytes() == content


def test_another_batch_state_is_refused(tmp_path: Path, source: Path) -> None:
    """A state made for another input or another key is not resumed with."""
    out = tmp_path / "out.jsonl"
    issue_batch(source, registrar=Registrar(KEY), out=out, now=NOW)
    with pytest.raises(UsageError, match="issuer"):
        issue_batch(source, registrar=Registrar(KeyFile.generate()), out=out, now=NOW)
    with pytest.raises(UsageError, match="cryptosuite"):
        issue_batch(
            source, registrar=Registrar(KEY, cryptosuite="eddsa-jcs-2022"), out=out, now=NOW
        )
    write_csv(source, [registration(i) for i in range(1, 52)])
    with pytest.raises(UsageError, match="input_sha256"):
        issue_batch(source, registrar=Registrar(KEY), out=out, now=NOW)


def test_output_changed_behind_the_journal_is_refused(tmp_path: Path, source: Path) -> None:
    """A JSON Lines output shorter than the journal says is an error, not a silent gap."""
    out = tmp_path / "out.jsonl"
    issue_batch(source, registrar=Registrar(KEY), out=out, now=NOW)
    data = out.read_bytes()
    out.write_bytes(data[: len(data) // 2])
    with pytest.raises(UsageError, match="shorter"):
        issue_batch(source, registrar=Registrar(KEY), out=out, now=NOW)


def test_existing_outputs_are_not_overwritten(tmp_path: Path, source: Path) -> None:
    """Without a state, an existing non-empty output file or folder is refused."""
    out = tmp_path / "out.jsonl"
    out.write_text("precious\n")
    with pytest.raises(UsageError, match="exists"):
        issue_batch(source, registrar=Registrar(KEY), out=out, now=NOW)
    assert out.read_text() == "precious\n"
    folder = tmp_path / "dir"
    folder.mkdir()
    (folder / "keep.txt").write_text("x")
    with pytest.raises(UsageError, match="not an empty folder"):
        issue_batch(source, registrar=Registrar(KEY), out=folder, now=NOW)


def test_one_batch_per_state_at_a_time(tmp_path: Path, source: Path) -> None:
    """While another process holds the batch's lock, a second run is refused."""
    out = tmp_path / "out.jsonl"
    lock = os.open(tmp_path / "out.jsonl.state.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with pytest.raises(UsageError, match="another batch"):
            issue_batch(source, registrar=Registrar(KEY), out=out, now=NOW)
    finally:
        os.close(lock)
    assert issue_batch(source, registrar=Registrar(KEY), out=out, now=NOW).issued == 50


def test_progress_is_reported_per_chunk(
    tmp_path: Path, source: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Progress starts at what was done before, grows per chunk and ends at the total."""
    monkeypatch.setattr(batch_module, "CHUNK_ROWS", 20)
    seen: list[BatchProgress] = []
    issue_batch(
        source, registrar=Registrar(KEY), out=tmp_path / "o.jsonl", now=NOW, progress=seen.append
    )
    assert [p.done for p in seen] == [0, 20, 40, 50]
    assert all(p.total == 50 for p in seen)
    assert seen[-1].issued == 50
    assert seen[-1].rate > 0


@pytest.mark.parametrize(
    "options",
    [
        {"workers": 0},
        {"workers": 65},
        {"workers": True},
        {"now": NOW.replace(tzinfo=None)},
        {"rejects": "SOURCE"},
    ],
)
def test_bad_options_are_usage_errors(
    tmp_path: Path, source: Path, options: dict[str, object]
) -> None:
    """Bad worker counts, a naive time or colliding paths are refused before any work."""
    arguments: dict[str, object] = {"registrar": Registrar(KEY), "out": tmp_path / "o.jsonl"}
    arguments["now"] = NOW
    arguments.update({k: source if v == "SOURCE" else v for k, v in options.items()})
    with pytest.raises(UsageError):
        issue_batch(source, **arguments)  # type: ignore[arg-type]
    assert not (tmp_path / "o.jsonl").exists()


def test_documented_example_file_issues_and_verifies(tmp_path: Path) -> None:
    """docs/examples/registrations.csv issues without a reject, and each credential verifies."""
    example = Path(__file__).resolve().parents[2] / "docs" / "examples" / "registrations.csv"
    result = issue_batch(example, registrar=Registrar(KEY), out=tmp_path / "out.jsonl", now=NOW)
    assert (result.issued, result.rejected) == (3, 0)
    verifier = CredentialVerifier()
    credentials = lines(tmp_path / "out.jsonl")
    subjects = [c["credentialSubject"] for c in credentials]
    forms = [s["certificateForm"] for s in subjects if isinstance(s, dict)]
    assert forms == ["long", "short", "long"]
    for credential in credentials:
        assert verifier.verify_credential(credential, now=NOW).verified
