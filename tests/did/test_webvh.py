"""did:webvh 1.0: the log's rules, resolution by version, and tampered logs."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

import vcid.did.webvh_log as log_module
from tests.did.webvh_support import (
    T0,
    Registrar,
    document,
    forged_entry,
    jsonl,
    key,
    later,
    lines,
    multikey,
)
from vcid._json import JsonObject
from vcid.did import ResolverRegistry, default_resolver, parse_did
from vcid.did.webvh import (
    DIDWebvhMethod,
    StaticFetcher,
    webvh_base_url,
    webvh_log_url,
    webvh_witness_url,
)
from vcid.did.webvh_log import (
    BAD_SCID,
    DEACTIVATED,
    HASH_CHAIN_BROKEN,
    MALFORMED_ENTRY,
    PRE_ROTATION,
    PROOF_FAILED,
    UNAUTHORIZED_UPDATE,
    VERSION_TIME,
    WITNESS_MISSING,
    DIDLogError,
    LogVersion,
    WitnessRule,
    create_entry,
    deactivate_entry,
    did_web_document,
    entry_hash,
    multihash_sha256,
    update_entry,
    verify_log,
    witness_file,
    witness_proof,
)
from vcid.errors import DIDSyntaxError, UsageError
from vcid.keys import PrivateKey

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def registry(did: str, log: str, witnesses: str | None = None) -> ResolverRegistry:
    """A resolver serving ``log`` (and a witness file) for ``did`` from memory."""
    parsed = parse_did(did)
    files = {webvh_log_url(parsed): log.encode()}
    if witnesses is not None:
        files[webvh_witness_url(parsed)] = witnesses.encode()
    return ResolverRegistry([DIDWebvhMethod(StaticFetcher(files), now=lambda: NOW)])


@pytest.fixture
def registrar() -> Registrar:
    r = Registrar()
    r.create(key(), at=T0)
    r.rotate(key(), at=T0 + timedelta(days=30))
    r.rotate(key(), at=T0 + timedelta(days=60))
    return r


# --- the DID to HTTPS transformation -------------------------------------------------

SCID = "QmWouJQDuUwo7cL2Q4wE8GFcSzCPcLRDiGRqJR1kB66fKq"


@pytest.mark.parametrize(
    ("tail", "url"),
    [
        ("example.com", "https://example.com/.well-known/did.jsonl"),
        ("issuer.example.com", "https://issuer.example.com/.well-known/did.jsonl"),
        ("example.com:dids:issuer", "https://example.com/dids/issuer/did.jsonl"),
        ("example.com%3A3000:dids:issuer", "https://example.com:3000/dids/issuer/did.jsonl"),
        (
            "jp%E7%B4%8D%E8%B1%86.%E4%BE%8B.jp:%E7%94%A8%E6%88%B7",
            "https://xn--jp-cd2fp15c.xn--fsq.jp/%E7%94%A8%E6%88%B7/did.jsonl",
        ),
    ],
    ids=["domain", "subdomain", "path", "port", "idn"],
)
def test_did_to_https(tail: str, url: str) -> None:
    """The spec's DID-to-HTTPS examples map to their URLs."""
    did = parse_did(f"did:webvh:{SCID}:{tail}")
    assert webvh_log_url(did) == url
    assert webvh_witness_url(did) == url.removesuffix("did.jsonl") + "did-witness.json"


@pytest.mark.parametrize(
    "tail",
    [
        "localhost",
        "127.0.0.1",
        "example.com%3A0",
        "example.com%3A3000%3A1",
        "example.com:..",
        "a.com:%2F",
    ],
)
def test_did_to_https_rejects(tail: str) -> None:
    """One-label names, IP addresses, bad ports and bad path segments are invalidDid."""
    with pytest.raises(DIDSyntaxError):
        webvh_base_url(parse_did(f"did:webvh:{SCID}:{tail}"))


def test_resolving_a_bad_did_is_invalid_did() -> None:
    """A did:webvh without a SCID resolves to invalidDid, without a fetch."""
    result = registry(f"did:webvh:{SCID}:example.com", "").resolve("did:webvh:abc:example.com")
    assert result.error == "invalidDid"


# --- resolution ----------------------------------------------------------------------


def test_resolves_the_current_version(registrar: Registrar) -> None:
    """The last entry's document is returned with the method's metadata."""
    result = registry(registrar.did, registrar.jsonl()).resolve(registrar.did)
    assert result.error is None
    assert result.did_document is not None
    assert result.did_document.to_json() == registrar.latest.document
    meta = result.document_metadata
    assert meta["versionId"] == registrar.latest.version_id
    assert meta["created"] == "2026-01-01T00:00:00Z"
    assert meta["updated"] == meta["versionTime"] == "2026-03-02T00:00:00Z"
    assert meta["scid"] == registrar.did.split(":")[2]
    assert meta["deactivated"] is False
    assert meta["ttl"] == "3600"


def test_resolves_by_version_id_and_time(registrar: Registrar) -> None:
    """versionId picks its entry; versionTime the entry in force then."""
    resolver = registry(registrar.did, registrar.jsonl())
    second = registrar.versions[1]
    by_id = resolver.resolve(registrar.did, version_id=second.version_id)
    assert by_id.did_document is not None
    assert by_id.did_document.to_json() == second.document
    at = second.version_time + timedelta(hours=1)
    by_time = resolver.resolve(registrar.did, version_time=at)
    assert by_time.document_metadata["versionId"] == second.version_id
    exact = resolver.resolve(registrar.did, version_time=second.version_time)
    assert exact.document_metadata["versionId"] == second.version_id


def test_version_not_in_the_log_is_not_found(registrar: Registrar) -> None:
    """An unknown versionId, or a time before creation, is notFound."""
    resolver = registry(registrar.did, registrar.jsonl())
    assert resolver.resolve(registrar.did, version_id="9-abc").error == "notFound"
    before = T0 - timedelta(seconds=1)
    assert resolver.resolve(registrar.did, version_time=before).error == "notFound"


def test_missing_log_is_not_found(registrar: Registrar) -> None:
    """A DID whose log is not published is notFound."""
    resolver = ResolverRegistry([DIDWebvhMethod(StaticFetcher({}))])
    assert resolver.resolve(registrar.did).error == "notFound"


def test_log_of_another_scid_is_rejected(registrar: Registrar) -> None:
    """A valid log served at the URL of another SCID does not resolve that DID."""
    other = Registrar()
    other.create(key())
    impostor = other.did
    resolver = registry(impostor, registrar.jsonl())
    assert resolver.resolve(impostor).error == "invalidDid"


def test_default_resolver_adds_webvh_with_a_fetcher(registrar: Registrar) -> None:
    """default_resolver(webvh_fetcher=...) resolves did:webvh; without one it is unsupported."""
    files = {webvh_log_url(parse_did(registrar.did)): registrar.jsonl().encode()}
    assert default_resolver().resolve(registrar.did).error == "methodNotSupported"
    resolved = default_resolver(webvh_fetcher=StaticFetcher(files)).resolve(registrar.did)
    assert resolved.error is None


def test_verified_prefix_is_not_verified_again(
    registrar: Registrar, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After one resolution, a grown log is verified only from its new entries."""
    parsed = parse_did(registrar.did)
    files = {webvh_log_url(parsed): registrar.jsonl().encode()}
    method = DIDWebvhMethod(StaticFetcher(files), cache_ttl=0, now=lambda: NOW)
    assert method.resolve(parsed).error is None
    registrar.rotate(key(), at=T0 + timedelta(days=90))
    files[webvh_log_url(parsed)] = registrar.jsonl().encode()
    checked: list[str] = []
    real = log_module.verify_entry

    def counting(line: str, previous: LogVersion | None, *, now: datetime) -> LogVersion:
        checked.append(line)
        return real(line, previous, now=now)

    monkeypatch.setattr(log_module, "verify_entry", counting)
    method._fetcher = StaticFetcher(files)
    assert method.resolve(parsed).document_metadata["versionId"] == registrar.latest.version_id
    assert checked == [registrar.latest.line]


# --- tampered logs ---------------------------------------------------------------------


def _reject(did: str, log: str, reason: str, witnesses: str | None = None) -> None:
    result = registry(did, log, witnesses).resolve(did)
    assert result.error == "invalidDid"
    message = result.resolution_metadata["errorMessage"]
    assert isinstance(message, str)
    assert f"({reason})" in message, message


def test_broken_hash_chain_is_rejected(registrar: Registrar) -> None:
    """A changed document in an earlier entry breaks its entry hash."""
    entries = lines(registrar.jsonl())
    entries[1]["state"]["verificationMethod"] = []
    _reject(registrar.did, jsonl(entries), HASH_CHAIN_BROKEN)


def test_dropped_entry_is_rejected(registrar: Registrar) -> None:
    """Removing an entry from the middle breaks the version sequence."""
    entries = lines(registrar.jsonl())
    del entries[1]
    result = registry(registrar.did, jsonl(entries)).resolve(registrar.did)
    assert result.error == "invalidDid"


def test_bad_scid_is_rejected() -> None:
    """A first entry whose SCID is not the hash of its inception is rejected."""
    signer = key()
    scid = multihash_sha256(b"not the inception event")
    did = f"did:webvh:{scid}:registrar.example"
    parameters: JsonObject = {
        "method": "did:webvh:1.0",
        "scid": scid,
        "updateKeys": [multikey(signer)],
    }
    entry = forged_entry(
        scid, 1, signer=signer, state=document(did, signer), parameters=parameters, at=T0
    )
    _reject(did, jsonl([entry]), BAD_SCID)


def test_update_signed_by_an_unauthorised_key_is_rejected() -> None:
    """An entry signed by a key not in the active updateKeys is rejected."""
    r = Registrar()
    owner = key()
    first = create_entry(
        document("did:webvh:{SCID}:registrar.example"), signer=owner, version_time=T0
    )
    r.versions = [first]
    thief = key()
    entry = forged_entry(
        first.version_id,
        2,
        signer=thief,
        state=document(r.did, thief),
        parameters={"updateKeys": [multikey(thief)]},
        at=later(first),
    )
    _reject(r.did, first.line + "\n" + jsonl([entry]), UNAUTHORIZED_UPDATE)


def test_update_by_an_uncommitted_key_breaks_pre_rotation(registrar: Registrar) -> None:
    """With pre-rotation, a new update key must be one the previous entry committed to."""
    thief = key()
    entry = forged_entry(
        registrar.latest.version_id,
        registrar.latest.version_number + 1,
        signer=thief,
        state=document(registrar.did, thief),
        parameters={"updateKeys": [multikey(thief)], "nextKeyHashes": []},
        at=later(registrar.latest),
    )
    _reject(registrar.did, registrar.jsonl() + jsonl([entry]), PRE_ROTATION)


def test_forged_signature_is_rejected(registrar: Registrar) -> None:
    """A proofValue that is not the signature of the entry is rejected."""
    entries = lines(registrar.jsonl())
    proof = entries[2]["proof"][0]
    other = lines(registrar.jsonl())[1]["proof"][0]
    proof["proofValue"] = other["proofValue"]
    _reject(registrar.did, jsonl(entries), PROOF_FAILED)


@pytest.mark.parametrize(
    "line",
    ["not json", "[]", '{"versionId": "1-x"}', "{}"],
    ids=["not-json", "array", "missing-keys", "empty-object"],
)
def test_malformed_line_is_rejected(registrar: Registrar, line: str) -> None:
    """A line that is not a well-formed log entry stops verification there."""
    _reject(registrar.did, registrar.jsonl() + line + "\n", MALFORMED_ENTRY)


def test_version_time_must_increase(registrar: Registrar) -> None:
    """An entry dated before the previous one is rejected."""
    entry = forged_entry(
        registrar.latest.version_id,
        registrar.latest.version_number + 1,
        signer=registrar.next,
        state=registrar.latest.document,
        parameters={"updateKeys": [multikey(registrar.next)], "nextKeyHashes": []},
        at=T0 + timedelta(days=1),
    )
    _reject(registrar.did, registrar.jsonl() + jsonl([entry]), VERSION_TIME)


def test_version_time_in_the_future_is_rejected() -> None:
    """An entry dated more than five minutes after the resolver's clock is rejected."""
    r = Registrar()
    r.create(key(), at=NOW + timedelta(minutes=6))
    _reject(r.did, r.jsonl(), VERSION_TIME)


def test_earlier_versions_survive_a_bad_later_entry(registrar: Registrar) -> None:
    """A historic query for a verified entry still resolves when a later one fails."""
    resolver = registry(registrar.did, registrar.jsonl() + "garbage\n")
    first = registrar.versions[0]
    assert resolver.resolve(registrar.did).error == "invalidDid"
    result = resolver.resolve(registrar.did, version_id=first.version_id)
    assert result.error is None
    # The time of the last good entry is ambiguous: what came after fails.
    assert resolver.resolve(registrar.did, version_time=NOW).error == "invalidDid"


# --- writing: creation checks, deactivation, did:web -------------------------------------


def test_create_needs_the_placeholder() -> None:
    """A document without did:webvh:{SCID}: in its id cannot start a log."""
    with pytest.raises(UsageError):
        create_entry({"id": "did:webvh:x:example.com"}, signer=key(), version_time=T0)


def test_update_that_would_not_verify_is_refused(registrar: Registrar) -> None:
    """update_entry refuses a signer that is not authorised, naming the rule."""
    with pytest.raises(UsageError, match="pre-rotation"):
        update_entry(registrar.latest, signer=key(), version_time=later(registrar.latest))


def test_deactivated_did(registrar: Registrar) -> None:
    """A deactivated DID: notFound with deactivated metadata; older versions still resolve."""
    registrar.versions.extend(
        deactivate_entry(
            registrar.latest, signer=registrar.next, version_time=NOW - timedelta(days=1)
        )
    )
    resolver = registry(registrar.did, registrar.jsonl())
    current = resolver.resolve(registrar.did)
    assert current.error == "notFound"
    assert current.document_metadata["deactivated"] is True
    old = resolver.resolve(registrar.did, version_time=T0 + timedelta(days=1))
    assert old.error is None
    assert old.document_metadata["deactivated"] is True
    after = forged_entry(
        registrar.latest.version_id,
        registrar.latest.version_number + 1,
        signer=registrar.next,
        state=registrar.latest.document,
        parameters={},
        at=NOW,
    )
    _reject(registrar.did, registrar.jsonl() + jsonl([after]), DEACTIVATED)


def test_did_web_document(registrar: Registrar) -> None:
    """The parallel did:web document swaps the DID and links back with alsoKnownAs."""
    web: dict[str, Any] = did_web_document(registrar.latest, files_url="https://registrar.example/")
    assert web["id"] == "did:web:registrar.example"
    assert web["alsoKnownAs"] == [registrar.did]
    assert "did:webvh" not in json.dumps(web["verificationMethod"])
    services = {s["id"]: s for s in web["service"]}
    assert services["did:web:registrar.example#files"]["type"] == "relativeRef"


# --- witnesses -----------------------------------------------------------------------------


def _witnessed() -> tuple[str, str, list[PrivateKey], LogVersion]:
    witnesses = [key(), key(), key()]
    rule = WitnessRule(2, tuple(f"did:key:{multikey(w)}" for w in witnesses))
    owner = key()
    first = create_entry(
        document("did:webvh:{SCID}:registrar.example"), signer=owner, witness=rule, version_time=T0
    )
    second = update_entry(first, signer=owner, version_time=later(first))
    return first.line + "\n" + second.line + "\n", str(first.document["id"]), witnesses, second


def test_witnessed_log_resolves_with_a_threshold_of_approvals() -> None:
    """Two of three witnesses approving the latest entry approve the whole log."""
    log, did, witnesses, second = _witnessed()
    proofs = [witness_proof(second, w, created=NOW) for w in witnesses[:2]]
    approvals = witness_file({second.version_id: proofs})
    result = registry(did, log, approvals).resolve(did)
    assert result.error is None
    witness = result.document_metadata["witness"]
    assert isinstance(witness, dict)
    assert witness["threshold"] == "2"


def test_missing_witness_approval_is_rejected() -> None:
    """One approval where two are needed, or no witness file, is rejected."""
    log, did, witnesses, second = _witnessed()
    one = witness_file({second.version_id: [witness_proof(second, witnesses[0], created=NOW)]})
    _reject(did, log, WITNESS_MISSING, one)
    _reject(did, log, WITNESS_MISSING, None)
    # The same witness twice counts once.
    twice = witness_file(
        {second.version_id: [witness_proof(second, witnesses[0], created=NOW)] * 2}
    )
    _reject(did, log, WITNESS_MISSING, twice)


def test_proofs_by_strangers_do_not_count() -> None:
    """Approvals by keys that are not listed witnesses are discarded."""
    log, did, _, second = _witnessed()
    strangers = [witness_proof(second, key(), created=NOW) for _ in range(2)]
    _reject(did, log, WITNESS_MISSING, witness_file({second.version_id: strangers}))


# --- the spec's and the reference implementation's examples ---------------------------------

_MIRRORS = Path("/work/.mirror")


def _git_show(repo: str, path: str) -> str:
    git_dir = _MIRRORS / repo / "repo"
    if not git_dir.is_dir():
        pytest.skip(f"no local copy of {repo} (its examples are read, never copied)")
    return subprocess.run(
        ["git", "--git-dir", str(git_dir), "show", f"HEAD:{path}"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def test_spec_entry_hash_example() -> None:
    """The spec's §"Generate Entry Hash" example gives the spec's entryHash."""
    text = _git_show("decentralized-identity+didwebvh", "spec-v1.0/specification.md")
    section = text.split("##### Generate Entry Hash", 1)[1]
    example = section.split("```json", 1)[1].split("```", 1)[0].strip()
    expected = section.split("Resulting [[ref: entryHash]]: `", 1)[1].split("`", 1)[0]
    entry = json.loads(example)
    assert entry_hash(entry, entry["versionId"]) == expected


def test_reference_sample_log_resolves() -> None:
    """The reference implementation's sample log (pre-rotation, witnesses) verifies."""
    repo = "decentralized-identity+didwebvh-py"
    log = _git_show(repo, "sample-diddoc/did.jsonl")
    witnesses = _git_show(repo, "sample-diddoc/did-witness.json")
    verified = verify_log(log, now=NOW, witness_file=witnesses)
    assert verified.error is None
    assert len(verified.versions) == 2
    with pytest.raises(DIDLogError, match=WITNESS_MISSING):
        verify_log(log, now=NOW)
