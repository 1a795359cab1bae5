"""did:webvh: resolving a registrar whose key rotated, warm and cold.

* ``did:webvh resolve, warm`` and ``... as of a proof's created``: a
  :class:`ResolverRegistry` resolving a verification method of a did:webvh
  DID with 10 versions (key rotations with pre-rotation) whose log is
  cached; in microseconds (the issue's target is under 100).
* ``did:webvh log grows by one entry``: the log fetched again with one new
  entry: only that entry is verified (the verified prefix is cached by
  content); in milliseconds.
* ``did:webvh verify log, cold``: a new driver verifying all 10 entries;
  in milliseconds.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from benchmarks._timing import measure
from vcid._json import JsonObject
from vcid.did import ResolverRegistry, parse_did
from vcid.did.webvh import DIDWebvhMethod, StaticFetcher, webvh_log_url
from vcid.did.webvh_log import LogVersion, create_entry, next_key_hash, update_entry
from vcid.keys import KeyType, PrivateKey

T0 = datetime(2026, 1, 1, tzinfo=UTC)
VERSIONS = 10


def _key() -> PrivateKey:
    return PrivateKey.generate(KeyType.ED25519)


def _document(did: str, signing: PrivateKey) -> JsonObject:
    vm = f"{did}#key-1"
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": [
            {
                "id": vm,
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": signing.public_key.to_multibase(),
            }
        ],
        "assertionMethod": [vm],
    }


def _log(count: int) -> list[LogVersion]:
    update, following = _key(), _key()
    first = create_entry(
        _document("did:webvh:{SCID}:registrar.example", _key()),
        signer=update,
        next_key_hashes=[next_key_hash(following.public_key.to_multibase())],
        version_time=T0,
    )
    versions = [first]
    did = str(first.document["id"])
    for n in range(1, count):
        update, following = following, _key()
        versions.append(
            update_entry(
                versions[-1],
                signer=update,
                document=_document(did, _key()),
                parameters={
                    "updateKeys": [update.public_key.to_multibase()],
                    "nextKeyHashes": [next_key_hash(following.public_key.to_multibase())],
                },
                version_time=T0 + timedelta(days=n),
            )
        )
    return versions


def run(quick: bool) -> list[tuple[str, float]]:
    """Each benchmark's name and value (microseconds or milliseconds)."""
    seconds = 0.2 if quick else 1.0
    versions = _log(VERSIONS + 1)
    did = str(versions[0].document["id"])
    url = webvh_log_url(parse_did(did))
    text = "".join(v.line + "\n" for v in versions[:VERSIONS])
    grown = text + versions[VERSIONS].line + "\n"
    files = {url: text.encode()}
    resolver = ResolverRegistry([DIDWebvhMethod(StaticFetcher(files))])
    vm = f"{did}#key-1"
    created = T0 + timedelta(days=3, hours=1)
    results: list[tuple[str, float]] = []

    warm = measure(
        lambda: resolver.resolve_verification_method(vm, relationship="assertionMethod"), seconds
    )
    results.append(("did:webvh resolve, warm (us)", 1e6 / warm))
    as_of = measure(
        lambda: resolver.resolve_verification_method_as_of(
            vm, relationship="assertionMethod", as_of=created
        ),
        seconds,
    )
    results.append(("did:webvh resolve as of a proof's created, warm (us)", 1e6 / as_of))

    def grow() -> None:
        method = DIDWebvhMethod(StaticFetcher({url: text.encode()}), cache_ttl=0)
        method.resolve(parse_did(did))
        method._fetcher = StaticFetcher({url: grown.encode()})
        method.resolve(parse_did(did))

    def cold() -> None:
        DIDWebvhMethod(StaticFetcher({url: text.encode()})).resolve(parse_did(did))

    cold_rate = measure(cold, seconds)
    grow_rate = measure(grow, seconds)
    results.append((f"did:webvh verify log of {VERSIONS} entries, cold (ms)", 1e3 / cold_rate))
    results.append(("did:webvh log grows by one entry (ms, incl. a cold verify)", 1e3 / grow_rate))
    return results
