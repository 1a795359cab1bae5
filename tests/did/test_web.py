"""did:web against a real HTTPS server on 127.0.0.1 with a test-made certificate."""

from __future__ import annotations

import json
import ssl
from typing import Any

import pytest

from vcid.did.resolver import ResolverRegistry, default_resolver
from vcid.did.syntax import parse_did
from vcid.did.web import DIDWebMethod, did_web_fetcher, did_web_url
from vcid.errors import DIDSyntaxError, FetchError, UsageError
from vcid.keys import KeyType, PrivateKey
from vcid.transport import HTTPSClient

# ``server`` (from conftest) is a live TLS server on 127.0.0.1 whose
# certificate is made at test time; ``server.serve`` sets a canned response.


def _did(server: Any, *path: str) -> str:
    return ":".join(["did:web:" + server.host.replace(":", "%3A"), *path])


def _doc_body(did: str, key_type: KeyType = KeyType.ED25519) -> tuple[bytes, Any]:
    key = PrivateKey.generate(key_type).public_key
    doc = {
        "@context": ["https://www.w3.org/ns/did/v1"],
        "id": did,
        "verificationMethod": [
            {
                "id": "#key-1",
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": key.to_multibase(),
            }
        ],
        "assertionMethod": ["#key-1"],
    }
    return json.dumps(doc).encode(), key


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def fetcher(server: Any) -> HTTPSClient:
    return did_web_fetcher(server.client_context(), timeout=5.0, max_bytes=4096)


# --- URL mapping ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("did", "url"),
    [
        ("did:web:w3c-ccg.github.io", "https://w3c-ccg.github.io/.well-known/did.json"),
        (
            "did:web:w3c-ccg.github.io:user:alice",
            "https://w3c-ccg.github.io/user/alice/did.json",
        ),
        (
            "did:web:example.com%3A3000:user:alice",
            "https://example.com:3000/user/alice/did.json",
        ),
        ("did:web:example.com%3a8443", "https://example.com:8443/.well-known/did.json"),
        ("did:web:127.0.0.1%3A4443", "https://127.0.0.1:4443/.well-known/did.json"),
        ("did:web:example.com:a%20b", "https://example.com/a%20b/did.json"),
    ],
)
def test_did_to_url(did: str, url: str) -> None:
    assert did_web_url(parse_did(did)) == url


@pytest.mark.parametrize(
    "did",
    [
        "did:key:z6Mk",
        "did:web:example.com:..:secret",
        "did:web:example.com:%2E%2E:secret",
        "did:web:example.com:.",
        "did:web:example.com::x",
        "did:web:example.com:a%2Fb",
        "did:web:example.com:a%5Cb",
        "did:web:example.com:a%00b",
        "did:web:example.com%2Fevil",
        "did:web:example.com%40evil.com",
        "did:web:example.com%3A0",
        "did:web:example.com%3A65536",
        "did:web:example.com%3Ax",
        "did:web:-bad.example",
        "did:web:exa_mple.com",
        "did:web:example..com",
        "did:web:example.com:%FF",
    ],
)
def test_bad_did_web_is_rejected(did: str) -> None:
    with pytest.raises(DIDSyntaxError):
        did_web_url(parse_did(did))


def test_bad_did_web_resolves_to_invalid_did() -> None:
    class NoFetch:
        def fetch(self, url: str) -> bytes:
            raise AssertionError("not called")

    resolver = default_resolver(web_fetcher=NoFetch())
    assert resolver.resolve("did:web:example.com:..:x").error == "invalidDid"


# --- against the local HTTPS server ----------------------------------------------


def test_resolves_host_and_port(server: Any, fetcher: HTTPSClient) -> None:
    did = _did(server)
    body, key = _doc_body(did)
    server.serve("/.well-known/did.json", body)
    resolver = ResolverRegistry([DIDWebMethod(fetcher)])
    result = resolver.resolve(did)
    assert result.error is None, result.resolution_metadata
    vm = resolver.resolve_verification_method(f"{did}#key-1", relationship="assertionMethod")
    assert vm.public_key == key


def test_resolves_path_did(server: Any, fetcher: HTTPSClient) -> None:
    did = _did(server, "issuers", "school")
    body, key = _doc_body(did, KeyType.P256)
    server.serve("/issuers/school/did.json", body)
    document = ResolverRegistry([DIDWebMethod(fetcher)]).resolve_document(did)
    assert document.verification_methods[0].public_key == key
    assert server.hits == {"/issuers/school/did.json": 1}


def test_404_is_not_found(server: Any, fetcher: HTTPSClient) -> None:
    result = DIDWebMethod(fetcher).resolve(parse_did(_did(server, "missing")))
    assert result.error == "notFound"
    with pytest.raises(FetchError) as info:
        fetcher.fetch(f"https://{server.host}/missing/did.json")
    assert info.value.status == 404


def test_server_error_is_internal_error(server: Any, fetcher: HTTPSClient) -> None:
    server.serve("/.well-known/did.json", b"oops", status=500)
    assert DIDWebMethod(fetcher).resolve(parse_did(_did(server))).error == ("internalError")


def test_mismatched_document_id_is_rejected(server: Any, fetcher: HTTPSClient) -> None:
    body, _ = _doc_body("did:web:evil.example")
    server.serve("/.well-known/did.json", body)
    result = ResolverRegistry([DIDWebMethod(fetcher)]).resolve(_did(server))
    assert result.did_document is None
    assert result.error == "invalidDidDocument"


def test_non_json_and_duplicate_keys_are_rejected(server: Any, fetcher: HTTPSClient) -> None:
    method = DIDWebMethod(fetcher)
    did = _did(server)
    server.serve("/.well-known/did.json", b"<html>")
    assert method.resolve(parse_did(did)).error == "representationNotSupported"
    server.serve(
        "/.well-known/did.json",
        json.dumps({"id": did}).replace("}", f', "id": "{did}"}}').encode(),
    )
    assert method.resolve(parse_did(did)).error == "representationNotSupported"


def test_oversized_body_is_rejected(server: Any, fetcher: HTTPSClient) -> None:
    did = _did(server)
    body, _ = _doc_body(did)
    padded = body[:-1] + b"," + b'"pad":"' + b"x" * 5000 + b'"}'
    server.serve("/.well-known/did.json", padded)
    result = DIDWebMethod(fetcher).resolve(parse_did(did))
    assert result.error == "internalError"
    assert "larger than 4096" in str(result.resolution_metadata["errorMessage"])
    # without a Content-Length the read itself is capped
    server.serve("/.well-known/did.json", padded, send_length=False)
    with pytest.raises(FetchError, match="larger"):
        fetcher.fetch(f"https://{server.host}/.well-known/did.json")


def test_cache_within_ttl_and_refetch_after(server: Any, fetcher: HTTPSClient) -> None:
    did = _did(server)
    body, key = _doc_body(did)
    server.serve("/.well-known/did.json", body)
    clock = FakeClock()
    method = DIDWebMethod(fetcher, cache_ttl=60, clock=clock)
    resolver = ResolverRegistry([method])
    assert resolver.resolve_document(did).verification_methods[0].public_key == key
    clock.now += 59
    resolver.resolve_document(did)
    assert server.hits["/.well-known/did.json"] == 1
    new_body, new_key = _doc_body(did)
    server.serve("/.well-known/did.json", new_body)
    clock.now += 1
    document = resolver.resolve_document(did)
    assert server.hits["/.well-known/did.json"] == 2
    assert document.verification_methods[0].public_key == new_key


def test_cache_is_bounded_and_failures_not_cached(server: Any, fetcher: HTTPSClient) -> None:
    method = DIDWebMethod(fetcher, cache_size=1, clock=FakeClock())
    first, second = _did(server, "a"), _did(server, "b")
    server.serve("/a/did.json", _doc_body(first)[0])
    server.serve("/b/did.json", _doc_body(second)[0])
    for did in (first, second, first):
        assert method.resolve(parse_did(did)).error is None
    assert server.hits == {"/a/did.json": 2, "/b/did.json": 1}
    missing = parse_did(_did(server, "c"))
    method.resolve(missing)
    method.resolve(missing)
    assert server.hits["/c/did.json"] == 2


def test_http_is_refused(fetcher: HTTPSClient) -> None:
    with pytest.raises(FetchError, match="https"):
        fetcher.fetch("http://127.0.0.1:1/.well-known/did.json")


def test_redirect_to_http_is_refused(server: Any, fetcher: HTTPSClient) -> None:
    server.serve(
        "/.well-known/did.json",
        b"",
        status=302,
        Location=f"http://{server.host}/plain/did.json",
    )
    with pytest.raises(FetchError, match="non-https"):
        fetcher.fetch(f"https://{server.host}/.well-known/did.json")
    assert "/plain/did.json" not in server.hits


def test_redirect_to_https_is_followed(server: Any, fetcher: HTTPSClient) -> None:
    did = _did(server)
    body, _ = _doc_body(did)
    server.serve("/moved/did.json", body)
    server.serve(
        "/.well-known/did.json",
        b"",
        status=301,
        Location=f"https://{server.host}/moved/did.json",
    )
    assert fetcher.fetch(f"https://{server.host}/.well-known/did.json") == body


def test_untrusted_certificate_is_refused(server: Any) -> None:
    strict = did_web_fetcher(ssl.create_default_context(), timeout=5.0)
    with pytest.raises(FetchError) as info:
        strict.fetch(f"https://{server.host}/.well-known/did.json")
    assert info.value.status is None
    assert DIDWebMethod(strict).resolve(parse_did(_did(server))).error == "internalError"
    assert server.hits == {}


def test_fetcher_options_are_checked() -> None:
    with pytest.raises(UsageError):
        did_web_fetcher(timeout=0)
    with pytest.raises(UsageError):
        did_web_fetcher(max_bytes=0)
