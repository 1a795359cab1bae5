"""Builders for did:webvh tests: a registrar's log, and tampered copies of it."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from vcid._json import JsonObject, JsonValue
from vcid.did.webvh_log import (
    LogVersion,
    create_entry,
    entry_hash,
    next_key_hash,
    sign_eddsa_jcs,
    update_entry,
)
from vcid.keys import KeyType, PrivateKey

T0 = datetime(2026, 1, 1, tzinfo=UTC)
DOMAIN = "registrar.example"


def key() -> PrivateKey:
    """A fresh Ed25519 key."""
    return PrivateKey.generate(KeyType.ED25519)


def multikey(private: PrivateKey) -> str:
    """The Multikey of ``private``'s public key."""
    return private.public_key.to_multibase()


def document(did: str, *keys: PrivateKey) -> JsonObject:
    """A DID document whose assertion keys are ``keys`` (``#key-1``, ...)."""
    methods: list[JsonValue] = [
        {
            "id": f"{did}#key-{i}",
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": multikey(k),
        }
        for i, k in enumerate(keys, 1)
    ]
    ids: list[JsonValue] = [f"{did}#key-{i}" for i in range(1, len(keys) + 1)]
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": ids,
        "authentication": list(ids),
    }


@dataclass
class Registrar:
    """A DID controller with pre-rotation: an update key and the next one committed."""

    domain: str = DOMAIN
    update: PrivateKey = field(default_factory=key)
    next: PrivateKey = field(default_factory=key)
    versions: list[LogVersion] = field(default_factory=list)

    def create(self, *signing: PrivateKey, at: datetime = T0) -> LogVersion:
        """Version 1, with ``signing`` as assertion keys."""
        did = f"did:webvh:{{SCID}}:{self.domain}"
        first = create_entry(
            document(did, *signing),
            signer=self.update,
            next_key_hashes=[next_key_hash(multikey(self.next))],
            version_time=at,
        )
        self.versions = [first]
        return first

    @property
    def did(self) -> str:
        return str(self.versions[0].document["id"])

    @property
    def latest(self) -> LogVersion:
        return self.versions[-1]

    def rotate(self, *signing: PrivateKey, at: datetime) -> LogVersion:
        """A version whose assertion keys are ``signing``; the update key rotates too."""
        self.update, self.next = self.next, key()
        version = update_entry(
            self.latest,
            signer=self.update,
            document=document(self.did, *signing),
            parameters={
                "updateKeys": [multikey(self.update)],
                "nextKeyHashes": [next_key_hash(multikey(self.next))],
            },
            version_time=at,
        )
        self.versions.append(version)
        return version

    def jsonl(self) -> str:
        return "".join(v.line + "\n" for v in self.versions)


def lines(text: str) -> list[dict[str, Any]]:
    """The entries of ``did.jsonl`` text as objects (loosely typed, to tamper with)."""
    return [json.loads(line) for line in text.splitlines() if line]


def jsonl(entries: Sequence[Mapping[str, Any]]) -> str:
    """Entries back to ``did.jsonl`` text."""
    return "".join(json.dumps(e, separators=(",", ":")) + "\n" for e in entries)


def forged_entry(
    previous_version_id: str,
    number: int,
    *,
    signer: PrivateKey,
    state: JsonObject,
    parameters: JsonObject,
    at: datetime,
) -> JsonObject:
    """A well-formed, correctly hashed and signed entry that skips vcid's own checks."""
    entry: JsonObject = {
        "versionId": previous_version_id,
        "versionTime": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "parameters": parameters,
        "state": state,
    }
    entry["versionId"] = f"{number}-{entry_hash(entry, previous_version_id)}"
    entry["proof"] = [sign_eddsa_jcs(entry, signer, created=at)]
    return entry


def later(version: LogVersion, days: int = 1) -> datetime:
    """A time ``days`` after ``version``."""
    return version.version_time + timedelta(days=days)
