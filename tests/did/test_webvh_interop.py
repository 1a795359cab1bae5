"""did:webvh interoperability with the reference implementation (did-webvh, test-only).

Logs vcid writes resolve in the reference resolver to the same documents
and versions, and logs the reference writes resolve in vcid. The reference
adds its implicit ``#files`` and ``#whois`` services to documents it
returns; it is asked not to (``add_implicit=False``) so that documents
compare as published.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.did.webvh_support import T0, Registrar, key, multikey
from vcid.did import ResolverRegistry, parse_did
from vcid.did.webvh import DIDWebvhMethod, StaticFetcher, webvh_log_url, webvh_witness_url
from vcid.did.webvh_log import (
    WitnessRule,
    create_entry,
    update_entry,
    verify_log,
    witness_file,
    witness_proof,
)

reference = pytest.importorskip("did_webvh", reason="the did-webvh reference implementation")
from did_webvh.askar import AskarSigningKey  # noqa: E402
from did_webvh.core.resolver import DidResolver, LocalHistoryResolver  # noqa: E402
from did_webvh.core.state import DocumentState  # noqa: E402
from did_webvh.provision import genesis_document, provision_did  # noqa: E402
from did_webvh.resolver import WebvhVerifier, resolve_did  # noqa: E402

NOW = T0 + timedelta(days=365)


def _reference_resolve(did: str, log: Path, **options: Any) -> dict[str, Any]:
    result = asyncio.run(resolve_did(did, local_history=log, add_implicit=False, **options))
    serialized: dict[str, Any] = result.serialize()
    return serialized


def test_reference_resolves_a_vcid_log_with_rotations(tmp_path: Path) -> None:
    """A vcid log (pre-rotation, three rotations) resolves there to vcid's documents."""
    registrar = Registrar()
    registrar.create(key(), at=T0)
    for i in range(1, 4):
        registrar.rotate(key(), at=T0 + timedelta(days=30 * i))
    path = tmp_path / "did.jsonl"
    path.write_text(registrar.jsonl())
    latest = _reference_resolve(registrar.did, path)
    assert latest["didDocument"] == registrar.latest.document
    assert latest["didDocumentMetadata"]["versionId"] == registrar.latest.version_id
    for version in registrar.versions:
        old = _reference_resolve(registrar.did, path, version_id=version.version_id)
        assert old["didDocument"] == version.document


def test_reference_rejects_a_tampered_vcid_log(tmp_path: Path) -> None:
    """Both resolvers refuse the same rewritten history."""
    registrar = Registrar()
    registrar.create(key(), at=T0)
    registrar.rotate(key(), at=T0 + timedelta(days=1))
    path = tmp_path / "did.jsonl"
    path.write_text(registrar.jsonl().replace("authentication", "capabilityInvocation", 1))
    result = _reference_resolve(registrar.did, path)
    assert result.get("didDocument") is None
    assert result["didResolutionMetadata"]["error"] == "invalidDid"


def test_reference_accepts_vcid_witness_proofs(tmp_path: Path) -> None:
    """A witnessed vcid log with vcid's did-witness.json resolves there."""
    witnesses = [key(), key()]
    rule = WitnessRule(2, tuple(f"did:key:{multikey(w)}" for w in witnesses))
    owner = key()
    first = create_entry(
        {"@context": ["https://www.w3.org/ns/did/v1"], "id": "did:webvh:{SCID}:example.com"},
        signer=owner,
        witness=rule,
        version_time=T0,
    )
    second = update_entry(first, signer=owner, version_time=T0 + timedelta(days=1))
    path = tmp_path / "did.jsonl"
    path.write_text(first.line + "\n" + second.line + "\n")
    proofs = [witness_proof(second, w, created=T0 + timedelta(days=1)) for w in witnesses]
    (tmp_path / "did-witness.json").write_text(witness_file({second.version_id: proofs}))
    source = LocalHistoryResolver(path, tmp_path / "did-witness.json")
    result = asyncio.run(
        DidResolver(WebvhVerifier()).resolve(str(first.document["id"]), source)
    ).serialize()
    assert result["didDocument"] == second.document, result


def _reference_log() -> tuple[str, list[DocumentState]]:
    """A log the reference writes: creation with pre-rotation, a rotation, an update."""
    first_key = AskarSigningKey.generate("ed25519")
    next_key = AskarSigningKey.generate("ed25519")
    state = provision_did(
        genesis_document("did:webvh:{SCID}:example.org:dids:registrar"),
        params={"updateKeys": [first_key.multikey], "nextKeyHashes": []},
        timestamp=T0,
    )
    state.sign(first_key)
    states = [state]
    hashes = [states[0].generate_next_key_hash(next_key.multikey)]
    rotate = states[0].create_next(
        params_update={"nextKeyHashes": hashes}, timestamp=T0 + timedelta(days=1)
    )
    rotate.sign(first_key)
    states.append(rotate)
    document = rotate.document_copy()
    document["alsoKnownAs"] = ["https://registrar.example.org/"]
    rotated = rotate.create_next(
        document=document,
        params_update={"updateKeys": [next_key.multikey], "nextKeyHashes": []},
        timestamp=T0 + timedelta(days=2),
    )
    rotated.sign(next_key)
    states.append(rotated)
    return "".join(s.history_json() + "\n" for s in states), states


def test_vcid_resolves_a_reference_log() -> None:
    """A reference log resolves in vcid to the reference's documents, version by version."""
    log, states = _reference_log()
    did = states[0].document_id
    files = {webvh_log_url(parse_did(did)): log.encode()}
    resolver = ResolverRegistry([DIDWebvhMethod(StaticFetcher(files), now=lambda: NOW)])
    current = resolver.resolve(did)
    assert current.did_document is not None, current.resolution_metadata
    assert current.did_document.to_json() == states[-1].document
    for state in states:
        old = resolver.resolve(did, version_id=state.version_id)
        assert old.did_document is not None
        assert old.did_document.to_json() == state.document
        assert old.document_metadata["versionTime"] == state.timestamp_raw


def test_vcid_rejects_what_the_reference_rejects(tmp_path: Path) -> None:
    """A reference log with an entry signed by a retired key fails in both."""
    log, states = _reference_log()
    retired = AskarSigningKey.generate("ed25519")
    forged = states[-1].create_next(params_update={}, timestamp=T0 + timedelta(days=3))
    forged.sign(retired)
    text = log + forged.history_json() + "\n"
    verified = verify_log(text, now=NOW)
    assert verified.error is not None
    assert "unauthorized-update" in str(verified.error)
    path = tmp_path / "did.jsonl"
    path.write_text(text)
    result = _reference_resolve(states[0].document_id, path)
    assert result.get("didDocument") is None


def test_witness_urls_agree() -> None:
    """vcid's witness file URL is the reference's (beside did.jsonl)."""
    did = parse_did("did:webvh:QmWouJQDuUwo7cL2Q4wE8GFcSzCPcLRDiGRqJR1kB66fKq:example.com:a")
    assert webvh_witness_url(did) == "https://example.com/a/did-witness.json"
    assert reference is not None
