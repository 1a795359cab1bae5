"""Status test helpers: keys, stores, a fake log, and a real local HTTPS server.

The HTTPS server binds 127.0.0.1 with a self-signed certificate made at test
time (as in tests/did/conftest.py), and serves whatever the test publishes.
"""

from __future__ import annotations

import datetime
import secrets
import ssl
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.services import self_signed, tls_server
from vcid import _json
from vcid._json import JsonObject
from vcid.issuer import issue
from vcid.keyfile import KeyFile
from vcid.keys import KeyType
from vcid.status import (
    BitstringStatusChecker,
    StatusListAllocator,
    StatusRegistry,
    StatusStore,
    open_sqlite_store,
    status_list_fetcher,
)
from vcid.transport import HTTPSClient

NOW = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@dataclass
class FakeLog:
    """An append-only log that records what it is given."""

    entries: list[tuple[bytes, datetime.datetime]] = field(default_factory=list)
    fail: bool = False

    def append_status_list(self, commitment: bytes, *, issued_at: datetime.datetime) -> int:
        if self.fail:
            raise OSError("the log is unreachable")
        self.entries.append((commitment, issued_at))
        return len(self.entries) - 1


# --- local HTTPS server ---------------------------------------------------------------


@dataclass
class ListServer:
    """A real TLS server on 127.0.0.1 serving published status lists."""

    port: int
    ca_file: Path
    routes: dict[str, bytes] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        return f"https://127.0.0.1:{self.port}/status"

    def publish(self, lists: Sequence[JsonObject]) -> None:
        """Serve each list at its id's path."""
        for document in lists:
            url = document["id"]
            assert isinstance(url, str)
            self.routes[urlsplit(url).path] = _json.dumps(document).encode()

    def serve_raw(self, url: str, body: bytes) -> None:
        self.routes[urlsplit(url).path] = body

    def client_context(self) -> ssl.SSLContext:
        """An SSL context that trusts only this server's certificate."""
        context = ssl.create_default_context(cafile=str(self.ca_file))
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        return context

    def fetcher(self) -> HTTPSClient:
        return status_list_fetcher(self.client_context(), timeout=5.0)


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return self_signed(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="module")
def _list_server(tls_files: tuple[Path, Path]) -> Iterator[ListServer]:
    cert_file, key_file = tls_files
    state = ListServer(port=0, ca_file=cert_file)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.requests.append(self.path)
            body = state.routes.get(self.path)
            self.send_response(404 if body is None else 200)
            payload = b"not found" if body is None else body
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: object) -> None:
            return

    with tls_server(Handler, cert_file, key_file) as port:
        state.port = port
        yield state


@pytest.fixture
def list_server(_list_server: ListServer) -> ListServer:
    """The module's HTTPS server with its routes and request log cleared."""
    _list_server.routes.clear()
    _list_server.requests.clear()
    return _list_server


# --- issuer side ------------------------------------------------------------------------


@pytest.fixture
def issuer_key() -> KeyFile:
    return KeyFile.generate(KeyType.ED25519)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[StatusStore]:
    opened = open_sqlite_store(tmp_path / "status.db")
    try:
        yield opened
    finally:
        opened.close()


@dataclass
class Issuer:
    """A registrar: key, store, allocator, registry and log, publishing to a server."""

    key: KeyFile
    store: StatusStore
    allocator: StatusListAllocator
    registry: StatusRegistry
    log: FakeLog
    server: ListServer

    def issue(self, credential_id: str | None = None) -> tuple[str, JsonObject]:
        """A signed credential carrying this issuer's status entries."""
        cid = credential_id or f"urn:uuid:{secrets.token_hex(16)}"
        credential: dict[str, Any] = {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "id": cid,
            "type": ["VerifiableCredential"],
            "issuer": self.key.controller,
            "validFrom": "2026-01-01T00:00:00Z",
            "credentialSubject": {"id": "did:example:child"},
            "credentialStatus": self.allocator.allocate(cid),
        }
        return cid, issue(credential, key=self.key, created=NOW - datetime.timedelta(days=30))

    def publish(self, now: datetime.datetime = NOW) -> tuple[JsonObject, ...]:
        lists = self.registry.publish(now=now)
        self.server.publish(lists)
        return lists

    def checker(self, **options: Any) -> BitstringStatusChecker:
        return BitstringStatusChecker(fetcher=self.server.fetcher(), **options)


@pytest.fixture
def registrar(issuer_key: KeyFile, store: StatusStore, list_server: ListServer) -> Issuer:
    log = FakeLog()
    registry = StatusRegistry(store, key=issuer_key, base_url=list_server.base_url, log=log)
    return Issuer(
        key=issuer_key,
        store=store,
        allocator=registry.allocator(),
        registry=registry,
        log=log,
        server=list_server,
    )


@pytest.fixture
def pg_dsn(postgres_dsn: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test."""
    import psycopg  # noqa: PLC0415 - an optional dependency, only when PostgreSQL runs
    from psycopg.conninfo import make_conninfo  # noqa: PLC0415

    name = f"vcid_status_{secrets.token_hex(6)}"
    with psycopg.connect(postgres_dsn, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    try:
        yield make_conninfo(postgres_dsn, dbname=name)
    finally:
        with psycopg.connect(postgres_dsn, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
