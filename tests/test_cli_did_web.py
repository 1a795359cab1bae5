"""`vcid verify --status-online` for a did:web registrar, against a real local HTTPS server.

The registrar's DID document and its status list are served over TLS on
127.0.0.1 with a certificate made at test time; the CLI runs in a
subprocess and trusts that certificate through ``SSL_CERT_FILE``. The
status list is signed by the did:web key, so it verifies only if the
verifier's did:web resolver reaches status lists too.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from tests.services import self_signed, tls_server
from tests.test_cli import vcid
from vcid import _json
from vcid.issuer import issue
from vcid.keyfile import KeyFile
from vcid.keys import KeyType, PrivateKey
from vcid.status import StatusRegistry, open_sqlite_store

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@dataclass
class Site:
    port: int
    cert_file: Path
    routes: dict[str, bytes] = field(default_factory=dict)

    @property
    def did(self) -> str:
        return f"did:web:127.0.0.1%3A{self.port}"

    @property
    def origin(self) -> str:
        return f"https://127.0.0.1:{self.port}"


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    cert_file, key_file = self_signed(tmp_path)
    state = Site(port=0, cert_file=cert_file)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = state.routes.get(self.path)
            self.send_response(404 if body is None else 200)
            payload = b"not found" if body is None else body
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: object) -> None:
            return

    with tls_server(Handler, cert_file, key_file) as port:
        state.port = port
        yield state


def _registrar(site: Site) -> KeyFile:
    key = PrivateKey.generate(KeyType.ED25519)
    vm = f"{site.did}#key-1"
    document = {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": site.did,
        "verificationMethod": [
            {
                "id": vm,
                "type": "Multikey",
                "controller": site.did,
                "publicKeyMultibase": key.public_key.to_multibase(),
            }
        ],
        "assertionMethod": [vm],
    }
    site.routes["/.well-known/did.json"] = json.dumps(document).encode()
    return KeyFile(key=key, verification_method=vm, controller=site.did)


def test_did_web_registrar_status_list_verifies_online(site: Site, tmp_path: Path) -> None:
    """A did:web registrar's credential and status list verify; revoked, it fails."""
    registrar = _registrar(site)
    store = open_sqlite_store(tmp_path / "status.db")
    registry = StatusRegistry(store, key=registrar, base_url=f"{site.origin}/status")
    credential_id = "urn:uuid:7f1c3a52-3d2b-4e43-9a7e-0c6f1b2a9d10"
    unsigned: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": credential_id,
        "type": ["VerifiableCredential"],
        "issuer": registrar.controller,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:child"},
        "credentialStatus": registry.allocator().allocate(credential_id),
    }
    credential = issue(
        unsigned,
        key=registrar,
        created=NOW - timedelta(days=30),
    )
    path = tmp_path / "credential.json"
    path.write_text(json.dumps(credential))

    def publish() -> None:
        for document in registry.publish(now=NOW):
            url = document["id"]
            assert isinstance(url, str)
            site.routes[url.removeprefix(site.origin)] = _json.dumps(document).encode()

    env = {**os.environ, "PYTHONWARNINGS": "ignore", "SSL_CERT_FILE": str(site.cert_file)}
    args = ("verify", "--status-online", "--now", "2026-03-01T12:01:00Z", "--json", str(path))
    publish()
    result = vcid(*args, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    statuses = [c for c in report["checks"] if c["name"].startswith("status")]
    assert statuses
    assert all(c["outcome"] == "passed" for c in statuses), statuses

    registry.revoke(credential_id, now=NOW)
    publish()
    revoked = vcid(*args, env=env)
    assert revoked.returncode == 1
    codes = {c["name"]: c["code"] for c in json.loads(revoked.stdout)["checks"]}
    assert codes["status[0].revocation"] == "REVOKED"
    store.close()
