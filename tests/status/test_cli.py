"""``vcid status ...`` run for real in a subprocess, and its HTTPS mirror."""

from __future__ import annotations

import json
import ssl
import subprocess
import sys
from pathlib import Path

import pytest

from vcid.issuer import issue
from vcid.keyfile import KeyFile
from vcid.keys import KeyType
from vcid.ledger import SQLiteLog
from vcid.report import Outcome, Verdict
from vcid.status import BitstringStatusChecker, MirrorFetcher, status_list_fetcher
from vcid.verifier import CredentialVerifier

from .conftest import NOW

ROOT = Path(__file__).resolve().parents[2]
BASE = "https://registrar.example/status"


def vcid(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "vcid.cli", "status", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, Path, KeyFile]:
    key = KeyFile.generate(KeyType.ED25519)
    key_path = tmp_path / "registrar.key"
    key_path.write_text(json.dumps(key.to_json()))
    return tmp_path / "status.db", key_path, key


def _signing(db: Path, key_path: Path) -> list[str]:
    return [
        "--db",
        str(db),
        "--key",
        str(key_path),
        "--base-url",
        BASE,
        "--now",
        "2026-03-01T12:00:00Z",
    ]


def test_operators_allocate_change_and_show_a_credentials_status(
    setup: tuple[Path, Path, KeyFile],
) -> None:
    db, key_path, _ = setup
    entries = json.loads(
        vcid("allocate", "urn:uuid:c1", "--db", str(db), "--base-url", BASE).stdout
    )
    assert [e["statusPurpose"] for e in entries] == ["revocation", "suspension", "message"]

    change = json.loads(vcid("suspend", "urn:uuid:c1", *_signing(db, key_path)).stdout)
    assert (change["changed"], change["version"]) == (True, 1)
    assert len(bytes.fromhex(change["commitment"])) == 32
    vcid("flag-missing", "urn:uuid:c1", *_signing(db, key_path))
    shown = json.loads(vcid("show", "urn:uuid:c1", "--db", str(db)).stdout)
    assert (shown["revoked"], shown["suspended"], shown["message"]) == (False, True, "0x1")
    vcid("reinstate", "urn:uuid:c1", *_signing(db, key_path))
    vcid("clear-flag", "urn:uuid:c1", *_signing(db, key_path))
    vcid("revoke", "urn:uuid:c1", *_signing(db, key_path))
    shown = json.loads(vcid("show", "urn:uuid:c1", "--db", str(db)).stdout)
    assert (shown["revoked"], shown["suspended"], shown["message"]) == (True, False, "0x0")


def test_refused_changes_are_one_line_and_exit_2(setup: tuple[Path, Path, KeyFile]) -> None:
    db, key_path, _ = setup
    vcid("allocate", "urn:uuid:c1", "--db", str(db), "--base-url", BASE)
    vcid("revoke", "urn:uuid:c1", *_signing(db, key_path))
    for args, message in (
        (["reinstate", "urn:uuid:c1"], "revocation is permanent"),
        (["revoke", "urn:uuid:unknown"], "no revocation entry"),
        (["revoke", "urn:uuid:c1", "--now", "yesterday"], "--now"),
    ):
        result = vcid(*args[:2], *_signing(db, key_path), *args[2:], check=False)
        assert result.returncode == 2, args
        assert message in result.stderr
        assert result.stderr.count("\n") == 1
        assert "Traceback" not in result.stderr
    assert json.loads(vcid("show", "urn:uuid:c1", "--db", str(db)).stdout)["revoked"] is True


def test_show_on_a_missing_store_is_exit_2_and_creates_nothing(tmp_path: Path) -> None:
    result = vcid("show", "urn:uuid:x", "--db", str(tmp_path / "none.db"), check=False)
    assert (result.returncode, result.stderr.count("\n")) == (2, 1)
    assert not (tmp_path / "none.db").exists()


def test_serve_refuses_bad_options(tmp_path: Path) -> None:
    result = vcid("serve", "--dir", str(tmp_path / "missing"), "--port", "0", check=False)
    assert result.returncode == 2
    result = vcid("serve", "--dir", str(tmp_path), "--port", "0", "--cert", "x.pem", check=False)
    assert (result.returncode, "together" in result.stderr) == (2, True)


def test_published_lists_served_over_https_verify_at_a_border_post(
    setup: tuple[Path, Path, KeyFile], tls_files: tuple[Path, Path]
) -> None:
    db, key_path, key = setup
    entries = json.loads(
        vcid("allocate", "urn:uuid:c2", "--db", str(db), "--base-url", BASE).stdout
    )
    credential = issue(
        {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "id": "urn:uuid:c2",
            "type": ["VerifiableCredential"],
            "issuer": key.controller,
            "credentialSubject": {"id": "did:example:child"},
            "credentialStatus": entries,
        },
        key=key,
        created=NOW,
    )
    vcid("flag-missing", "urn:uuid:c2", *_signing(db, key_path))
    out = db.parent / "published"
    written = vcid("publish", *_signing(db, key_path), "--out", str(out)).stdout.split()
    assert sorted(Path(p).relative_to(out).as_posix() for p in written) == [
        "message/1.json",
        "revocation/1.json",
        "suspension/1.json",
    ]
    cert, tls_key = tls_files
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "vcid.cli",
            "status",
            "serve",
            "--dir",
            str(out),
            "--port",
            "0",
            "--cert",
            str(cert),
            "--key",
            str(tls_key),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        assert line.startswith("serving "), server.stderr.read() if server.stderr else ""
        mirror_url = line.split(" at ", 1)[1].strip()
        assert mirror_url.startswith("https://127.0.0.1:")
        context = ssl.create_default_context(cafile=str(cert))
        fetcher = MirrorFetcher(status_list_fetcher(context), {BASE + "/": mirror_url})
        verifier = CredentialVerifier(status_checker=BitstringStatusChecker(fetcher=fetcher))
        report = verifier.verify_credential(credential, now=NOW)
        assert report.verdict is Verdict.ALERT, report.to_text()
        codes = {c.name: (c.outcome, c.code) for c in report.checks}
        assert codes["status[2].message"] == (Outcome.ALERT, "MISSING_CHILD_ALERT")
        with pytest.raises(Exception, match="404"):
            fetcher.fetch(BASE + "/../status.db")
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_changes_are_appended_to_the_ledger(setup: tuple[Path, Path, KeyFile]) -> None:
    """With --ledger, each new signed list version's commitment enters the issuer's log."""
    db, key_path, _ = setup
    ledger = db.parent / "ledger.db"
    SQLiteLog(ledger, origin="registrar.example/status").close()
    vcid("allocate", "urn:uuid:c2", "--db", str(db), "--base-url", BASE)
    change = json.loads(
        vcid("revoke", "urn:uuid:c2", *_signing(db, key_path), "--ledger", str(ledger)).stdout
    )
    with SQLiteLog(ledger, create=False) as log:
        assert log.index_of_commitment(bytes.fromhex(change["commitment"])) is not None
    missing = vcid(
        "suspend",
        "urn:uuid:c2",
        *_signing(db, key_path),
        "--ledger",
        str(db.parent / "none.db"),
        check=False,
    )
    assert missing.returncode == 2
    assert len(missing.stderr.strip().splitlines()) == 1


REFERENCE = "https://registrar.example/status-messages"


def test_operators_allocate_a_two_bit_message_entry_and_set_its_value(
    setup: tuple[Path, Path, KeyFile],
) -> None:
    db, key_path, _ = setup
    entries = json.loads(
        vcid(
            "allocate",
            "urn:uuid:c3",
            "--db",
            str(db),
            "--base-url",
            BASE,
            "--message-scheme",
            "child-alerts",
            "--status-reference",
            REFERENCE,
        ).stdout
    )
    message = entries[2]
    assert (message["statusSize"], len(message["statusMessage"])) == (2, 4)
    assert message["statusReference"] == REFERENCE
    change = json.loads(
        vcid("set-message", "urn:uuid:c3", "--status", "0x2", *_signing(db, key_path)).stdout
    )
    assert (change["action"], change["changed"]) == ("set-message", True)
    shown = json.loads(vcid("show", "urn:uuid:c3", "--db", str(db)).stdout)
    assert shown["message"] == "0x2"
    assert shown["messageText"] == message["statusMessage"][2]["message"]
    for status, error in (("0x4", "statusSize"), ("two", "--status")):
        refused = vcid(
            "set-message", "urn:uuid:c3", "--status", status, *_signing(db, key_path), check=False
        )
        assert refused.returncode == 2
        assert error in refused.stderr
    assert json.loads(vcid("show", "urn:uuid:c3", "--db", str(db)).stdout)["message"] == "0x2"


def test_a_message_scheme_file_gives_size_messages_and_reference(
    setup: tuple[Path, Path, KeyFile],
) -> None:
    db, _, _ = setup
    messages = [
        {"status": f"0x{v:x}", "message": "no alert" if v == 0 else f"alert {v}"} for v in range(8)
    ]
    scheme = {
        "statusSize": 3,
        "statusMessage": messages,
        "statusReference": [REFERENCE, "https://registrar.example/more"],
    }
    path = db.parent / "scheme.json"
    path.write_text(json.dumps(scheme))
    args = ["--db", str(db), "--base-url", BASE, "--purpose", "message"]
    (entry,) = json.loads(vcid("allocate", "urn:a", *args, "--message-scheme", str(path)).stdout)
    assert entry["statusSize"] == 3
    assert entry["statusMessage"] == scheme["statusMessage"]
    assert entry["statusReference"] == scheme["statusReference"]
    incomplete = {**scheme, "statusMessage": messages[:7]}
    path.write_text(json.dumps(incomplete))
    refused = vcid("allocate", "urn:b", *args, "--message-scheme", str(path), check=False)
    assert refused.returncode == 2
    assert "not a message scheme" in refused.stderr
    assert refused.stderr.count("\n") == 1
