"""Back-dating with a retired key: a receipt must predate the key's rotation.

A proof is checked against its issuer's DID document as of the proof's
``created`` time (did:webvh, decision 18). That lets a credential signed
before a routine key rotation keep verifying, but it also lets whoever holds
a retired key (stolen, or kept by a former employee) sign a new credential
and claim an old ``created``. The transparency log defeats that: a
credential really signed while the key was current was logged then, so its
receipt's checkpoint predates the rotation. :func:`check_retired_keys`
is the ``ledger.retired_key`` check a :class:`~vcid.verifier.ReceiptPolicy`
with ``retired_keys=True`` adds; the receipt itself is checked by
:func:`~vcid.ledger.receipt.check_receipt`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Final, Protocol

from vcid._json import JsonObject, JsonValue
from vcid.did.resolution import ResolutionResult
from vcid.errors import InvalidProof, VcidError
from vcid.ledger.receipt import Receipt
from vcid.model import parse_datetime
from vcid.report import Check

CHECK_NAME: Final = "ledger.retired_key"
#: The most versions walked to find when a key was rotated out.
MAX_VERSIONS: Final = 1000


class HistoricResolver(Protocol):
    """A resolver answering DID Resolution with version options (a ``ResolverRegistry``)."""

    def resolve(
        self,
        did: str,
        *,
        version_id: str | None = None,
        version_time: datetime | None = None,
    ) -> ResolutionResult: ...


def _key_of(document: JsonObject | None, vm_id: str) -> str | None:
    """The ``publicKeyMultibase`` of method ``vm_id`` in ``document``, if listed."""
    if document is None:
        return None
    did = str(document.get("id"))
    for method in document.get("verificationMethod") or []:  # type: ignore[union-attr]
        if not isinstance(method, dict):
            continue
        ident = method.get("id")
        full = did + ident if isinstance(ident, str) and ident.startswith("#") else ident
        if full == vm_id:
            key = method.get("publicKeyMultibase")
            return key if isinstance(key, str) else None
    return None


def _document(result: ResolutionResult) -> JsonObject | None:
    return result.did_document.to_json() if result.did_document is not None else None


def rotation_time(resolver: HistoricResolver, vm_id: str, created: datetime) -> datetime | None:
    """When the key at ``vm_id`` (as of ``created``) left the DID, or None if it has not.

    Walks the DID's versions from the one in force at ``created`` through
    ``nextVersionId`` to the first that no longer lists the same key (a
    deactivation counts as removing it).

    :raises InvalidProof: if the DID had no such key at ``created``.
    """
    did = vm_id.split("#", 1)[0]
    result = resolver.resolve(did, version_time=created)
    key = _key_of(_document(result), vm_id)
    if key is None:
        raise InvalidProof("the verification method was not in the DID document at created")
    for _ in range(MAX_VERSIONS):
        following = result.document_metadata.get("nextVersionId")
        if not isinstance(following, str):
            return None
        result = resolver.resolve(did, version_id=following)
        if _key_of(_document(result), vm_id) != key:
            text = result.document_metadata.get("versionTime")
            if not isinstance(text, str):
                raise InvalidProof("the DID's history gives no time for a version")
            return parse_datetime(text)
    raise InvalidProof("the DID's history is too long to walk")


def check_retired_keys(
    credential: Mapping[str, JsonValue],
    receipt: Receipt | None,
    *,
    resolver: object,
) -> Check:
    """``ledger.retired_key``: a proof by a since-rotated key needs an earlier receipt.

    For each proof with a ``created`` time whose key has since left the
    issuer's DID document (resolved through history), the receipt's
    checkpoint must be older than that rotation. Passes when no proof uses a
    retired key; skipped when the resolver has no history.

    :param receipt: the credential's parsed receipt (its own checks run
        separately), or None.
    :param resolver: the environment's resolver; it must have
        ``resolve(did, version_id=, version_time=)`` for this check to run.
    """
    if not callable(getattr(resolver, "resolve_verification_method_as_of", None)):
        return Check.skipped(CHECK_NAME, "the resolver keeps no DID history")
    historic: HistoricResolver = resolver  # type: ignore[assignment]
    raw = credential.get("proof")
    proofs = raw if isinstance(raw, list) else [raw] if isinstance(raw, dict) else []
    retired: list[datetime] = []
    try:
        for proof in proofs:
            if not isinstance(proof, dict):
                continue
            vm_id, created = proof.get("verificationMethod"), proof.get("created")
            if not isinstance(vm_id, str) or not isinstance(created, str):
                continue
            when = rotation_time(historic, vm_id, parse_datetime(created))
            if when is not None:
                retired.append(when)
    except VcidError as exc:
        return Check.from_error(CHECK_NAME, exc)
    if not retired:
        return Check.passed(CHECK_NAME, "no proof uses a key that has since been rotated out")
    earliest = min(retired)
    if receipt is None:
        error = InvalidProof(
            "a proof uses a key rotated out since; a receipt from before the rotation is required"
        )
        return Check.from_error(CHECK_NAME, error)
    logged = receipt.checkpoint.checkpoint.timestamp
    if logged >= earliest:
        error = InvalidProof("the receipt's checkpoint is not older than the key's rotation")
        return Check.from_error(CHECK_NAME, error)
    return Check.passed(CHECK_NAME, "logged before the signing key was rotated out")


__all__ = ["CHECK_NAME", "check_retired_keys", "rotation_time"]
