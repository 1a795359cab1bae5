"""Nothing personal reaches a ledger: scan every byte written while logging real credentials."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from vcid._json import JsonObject, JsonValue, dumps
from vcid.demo import sample_birth_credential
from vcid.issuer import issue
from vcid.keyfile import KeyFile
from vcid.keys import KeyType
from vcid.ledger import Ledger, SQLiteLog, receipt_for
from vcid.ledger.entry import credential_commitment
from vcid.ledger.log import StoredLog

NOW = datetime(2026, 3, 1, tzinfo=UTC)
CHILDREN = [
    ("Amara", "Okafor", "2019-04-12", "Chisinau", "MD-2019-004512"),
    ("Ion", "Rusu", "2021-11-30", "Balti", "MD-2021-118734"),
    ("Léa", "Moreau-Țurcanu", "2018-02-07", "Cahul", "MD-2018-000917"),
]


def credentials() -> tuple[KeyFile, list[JsonObject]]:
    registrar = KeyFile.generate(KeyType.ED25519)
    issued = []
    for given, family, born, place, number in CHILDREN:
        parent = KeyFile.generate(KeyType.P256)
        unsigned = sample_birth_credential(registrar.controller, parent.controller)
        subject = dict(unsigned["credentialSubject"])  # type: ignore[arg-type]
        subject.update(
            givenName=given, familyName=family, birthDate=born, registrationNumber=number
        )
        subject["birthPlace"] = {"addressLocality": place, "addressCountry": "MD"}
        unsigned["credentialSubject"] = subject
        issued.append(issue(unsigned, key=registrar))
    return registrar, issued


def subject_values(value: JsonValue) -> Iterator[str]:
    """Every string in a credential subject that could identify a person (2+ characters)."""
    if isinstance(value, str):
        if len(value) > 2:
            yield value
    elif isinstance(value, list):
        for item in value:
            yield from subject_values(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from subject_values(item)


def needles(issued: list[JsonObject]) -> set[bytes]:
    found: set[bytes] = set()
    for credential in issued:
        for value in subject_values(credential["credentialSubject"]):
            if value in ("BirthRecord", "mother", "long"):  # vocabulary, not data
                continue
            for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
                found.add(value.encode(encoding))
    return found


def log_everything(log: StoredLog, registrar: KeyFile, issued: list[JsonObject]) -> list[str]:
    """Log, checkpoint, anchor and make receipts, as a registrar would; return the receipts."""
    for credential in issued:
        log.append_credential(credential_commitment(credential), issued_at=NOW)
    log.checkpoint(registrar.signer, now=NOW + timedelta(minutes=1))
    Ledger(log).anchor()
    return [dumps(receipt_for(log, credential_commitment(c)).to_json()) for c in issued]


def test_the_sqlite_files_and_receipts_hold_no_subject_data(tmp_path: Path) -> None:
    registrar, issued = credentials()
    wanted = needles(issued)
    assert b"Amara" in wanted
    assert "2019-04-12".encode("utf-16-le") in wanted
    # The scan does find the data where it is: in the credentials themselves.
    assert any(n in dumps(issued[0]).encode() for n in wanted)

    log = SQLiteLog(tmp_path / "ledger.db", origin="registry.example/births")
    receipts = log_everything(log, registrar, issued)
    files_while_open = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert "ledger.db-wal" in files_while_open  # the WAL is scanned too
    log.close()
    files_after = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    blobs = [*files_while_open.values(), *files_after.values(), *(r.encode() for r in receipts)]
    for blob in blobs:
        for needle in wanted:
            assert needle not in blob


def test_the_postgres_tables_hold_no_subject_data(postgres_dsn: str) -> None:
    psycopg = pytest.importorskip("psycopg")
    from vcid.ledger.postgres import PostgresLog  # noqa: PLC0415

    registrar, issued = credentials()
    wanted = needles(issued)
    with PostgresLog(postgres_dsn, origin=f"registry.example/{uuid.uuid4().hex}") as log:
        receipts = log_everything(log, registrar, issued)
    with psycopg.connect(postgres_dsn) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'vcid_%'"
            )
        ]
        dump = b"".join(
            str(row).encode() + b"".join(bytes(v) for v in row if isinstance(v, bytes | memoryview))
            for table in tables
            for row in conn.execute(f"SELECT * FROM {table}")
        )
    assert dump
    for blob in (dump, *(r.encode() for r in receipts)):
        for needle in wanted:
            assert needle not in blob
