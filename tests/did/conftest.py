"""Helpers for the DID tests: documents, keys, and a real local HTTPS server."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from tests.services import self_signed, tls_server
from vcid._json import JsonObject
from vcid.keys import KeyType, PrivateKey, PublicKey

DID = "did:example:123"


def public_key(key_type: KeyType = KeyType.ED25519) -> PublicKey:
    """A fresh public key of ``key_type``."""
    return PrivateKey.generate(key_type).public_key


def multikey(
    vm_id: str = "#key-1",
    *,
    controller: str = DID,
    key: PublicKey | None = None,
    vm_type: str = "Multikey",
) -> JsonObject:
    """A Multikey verification method (publicKeyMultibase)."""
    return {
        "id": vm_id,
        "type": vm_type,
        "controller": controller,
        "publicKeyMultibase": (key or public_key()).to_multibase(),
    }


def document(*methods: JsonObject, **relationships: list[object]) -> JsonObject:
    """A DID document for :data:`DID` with these methods and relationships."""
    doc: JsonObject = {"id": DID, "verificationMethod": list(methods)}
    for name, entries in relationships.items():
        doc[name] = entries  # type: ignore[assignment]
    return doc


# --- local HTTPS server -----------------------------------------------------------


@dataclass
class Route:
    """A canned response."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    send_length: bool = True


@dataclass
class HTTPSServer:
    """A real TLS server on 127.0.0.1 serving canned routes, counting hits."""

    port: int
    ca_file: Path
    routes: dict[str, Route] = field(default_factory=dict)
    hits: dict[str, int] = field(default_factory=dict)

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def serve(
        self,
        path: str,
        body: bytes,
        status: int = 200,
        *,
        send_length: bool = True,
        **headers: str,
    ) -> None:
        """Answer GET ``path`` with ``status``, ``body`` and ``headers``.

        Without ``send_length`` the body ends when the connection closes.
        """
        self.routes[path] = Route(status, body, dict(headers), send_length)

    def client_context(self) -> ssl.SSLContext:
        """An SSL context that trusts only this server's certificate."""
        context = ssl.create_default_context(cafile=str(self.ca_file))
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        return context


@pytest.fixture(scope="module")
def https_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HTTPSServer]:
    """A TLS server on 127.0.0.1 with a self-signed certificate made now."""
    cert_file, key_file = self_signed(tmp_path_factory.mktemp("tls"))
    state = HTTPSServer(port=0, ca_file=cert_file)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.hits[self.path] = state.hits.get(self.path, 0) + 1
            route = state.routes.get(self.path, Route(404, b"not found"))
            self.send_response(route.status)
            for name, value in route.headers.items():
                self.send_header(name, value)
            if route.send_length and "Content-Length" not in route.headers:
                self.send_header("Content-Length", str(len(route.body)))
            self.end_headers()
            self.wfile.write(route.body)

        def log_message(self, format: str, *args: object) -> None:
            return

    with tls_server(Handler, cert_file, key_file) as port:
        state.port = port
        yield state


@pytest.fixture
def server(https_server: HTTPSServer) -> HTTPSServer:
    """The module's HTTPS server with routes and hit counts reset."""
    https_server.routes.clear()
    https_server.hits.clear()
    return https_server


class Helpers:
    """The builders above, handed to tests as the ``h`` fixture."""

    DID = DID
    public_key = staticmethod(public_key)
    multikey = staticmethod(multikey)
    document = staticmethod(document)


@pytest.fixture
def h() -> type[Helpers]:
    """Document and key builders (conftest modules cannot be imported)."""
    return Helpers
