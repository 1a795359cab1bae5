"""The did:webvh 1.0 DID log: verify it, and write its entries.

A did:webvh DID (https://identity.foundation/didwebvh/v1.0/) is backed by a
``did.jsonl`` log: one JSON object per line, each a version of the DID
document with the method's parameters and a Data Integrity proof by an
authorised update key. This module holds the log's rules and nothing about
fetching (that is :mod:`vcid.did.webvh`):

* the SCID (§"SCID Generation and Verification"), the entry hash chain
  (§"Entry Hash Generation and Verification") and pre-rotation key hashes
  (§"Pre-Rotation Key Hash Generation and Verification"): each
  ``base58btc(multihash(SHA-256, ...))``;
* the parameters (§"did:webvh DID Method Parameters") and authorised keys
  (§"Authorized Keys"), checked entry by entry (§"Read (Resolve)");
* witness approvals from ``did-witness.json`` (§"DID Witnesses");
* writing entries: create, update, deactivate (§"DID Method Operations").

Log proofs use the one cryptosuite did:webvh 1.0 permits, ``eddsa-jcs-2022``
(vc-di-eddsa §3.3), with a ``did:key`` verification method whose key is in
``updateKeys``. They are verified here with :mod:`vcid.keys` and
:mod:`vcid.canon.jcs` directly rather than with :mod:`vcid.proofs`: a log
entry is plain JSON without ``@context``, the key comes from the log's own
parameters rather than a resolver, and :mod:`vcid.did` sits below
:mod:`vcid.proofs` (docs/decisions/0018-did-webvh.md).

Failures raise :class:`DIDLogError`, a :class:`~vcid.errors.DIDResolutionError`
with the DID Resolution code (``invalidDid``, as the method prescribes for
any log that does not verify) and a short machine-readable ``reason``.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Final

from vcid._json import JsonObject, JsonValue, load_object
from vcid.canon import jcs
from vcid.encoding import base58btc_decode, base58btc_encode, multibase_decode, multibase_encode
from vcid.errors import DIDResolutionError, UsageError, VcidError
from vcid.keys import KeyType, PrivateKey, PublicKey

SCID_PLACEHOLDER: Final = "{SCID}"
METHOD_VERSION: Final = "did:webvh:1.0"
CRYPTOSUITE: Final = "eddsa-jcs-2022"
PROOF_TYPE: Final = "DataIntegrityProof"
#: How far ahead of the resolver's clock a ``versionTime`` may be (§"Read").
MAX_FUTURE_SKEW: Final = timedelta(minutes=5)
#: The most entries one log may hold (a bound on work, not from the spec).
MAX_ENTRIES: Final = 10_000
DEFAULT_TTL: Final = 3600

_SHA256_PREFIX: Final = b"\x12\x20"
_ENTRY_KEYS: Final = frozenset({"versionId", "versionTime", "parameters", "state", "proof"})
_PARAMETERS: Final = frozenset(
    {
        "method",
        "scid",
        "updateKeys",
        "nextKeyHashes",
        "witness",
        "watchers",
        "portable",
        "deactivated",
        "ttl",
    }
)
_SCID_RE: Final = re.compile(r"[1-9A-HJ-NP-Za-km-z]{46}")
_TIME_RE: Final = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|\+00:00)")

# Reasons (DIDLogError.reason), named after the failed rule.
MALFORMED_ENTRY: Final = "malformed-entry"
INVALID_PARAMETER: Final = "invalid-parameter"
BAD_SCID: Final = "scid-verification-failed"
HASH_CHAIN_BROKEN: Final = "hash-chain-broken"
VERSION_SEQUENCE: Final = "version-sequence"
VERSION_TIME: Final = "version-time"
UNAUTHORIZED_UPDATE: Final = "unauthorized-update"
PROOF_FAILED: Final = "proof-verification-failed"
PRE_ROTATION: Final = "pre-rotation-violated"
WITNESS_MISSING: Final = "witness-approval-missing"
DID_MISMATCH: Final = "did-mismatch"
DEACTIVATED: Final = "deactivated"


class DIDLogError(DIDResolutionError):
    """A did:webvh log (or witness file) that does not verify.

    ``error`` is the DID Resolution code (``invalidDid``), ``reason`` one of
    this module's reason constants (``hash-chain-broken``, ...), and
    ``version_number`` the entry at fault (0 when it is the log as a whole).
    """

    def __init__(self, reason: str, message: str, version_number: int = 0) -> None:
        where = f"entry {version_number}: " if version_number else ""
        super().__init__(f"did:webvh log: {where}{message} ({reason})", error="invalidDid")
        self.reason = reason
        self.version_number = version_number


# --- hashes -------------------------------------------------------------------


def multihash_sha256(data: bytes) -> str:
    """``base58btc(multihash(SHA-256, data))``, the method's one hash form."""
    return base58btc_encode(_SHA256_PREFIX + hashlib.sha256(data).digest())


def _is_sha256_multihash(text: str) -> bool:
    try:
        raw = base58btc_decode(text)
    except VcidError:
        return False
    return len(raw) == 34 and raw[:2] == _SHA256_PREFIX


def next_key_hash(multikey: str) -> str:
    """The pre-rotation commitment to an update key (its ``nextKeyHashes`` entry).

    :param multikey: the key's Multikey (``z6Mk...``) form.
    """
    return multihash_sha256(multikey.encode("utf-8"))


def entry_hash(entry: Mapping[str, JsonValue], previous_version_id: str) -> str:
    """The ``entryHash`` of a log entry (§"Generate Entry Hash").

    :param entry: the entry; its ``proof`` is left out.
    :param previous_version_id: the previous entry's ``versionId``, or the
        SCID for the first entry.
    """
    body = {k: v for k, v in entry.items() if k != "proof"}
    body["versionId"] = previous_version_id
    return multihash_sha256(jcs.canonicalize(body))


def _scid_of(entry: Mapping[str, JsonValue], scid: str) -> str:
    """The SCID recomputed from a first entry that carries ``scid``."""
    body = {k: v for k, v in entry.items() if k != "proof"}
    body["versionId"] = SCID_PLACEHOLDER
    text = json.dumps(body, ensure_ascii=False).replace(scid, SCID_PLACEHOLDER)
    return multihash_sha256(jcs.canonicalize(json.loads(text)))


# --- the did:webvh identifier --------------------------------------------------


def scid_of_did(did: str) -> str:
    """The SCID segment of a did:webvh DID string.

    :raises DIDLogError: (``invalidDid``) if ``did`` is not
        ``did:webvh:<46 base58btc characters>:<domain>...``.
    """
    parts = did.split(":")
    if len(parts) < 4 or parts[:2] != ["did", "webvh"] or not _SCID_RE.fullmatch(parts[2]):
        raise DIDLogError(DID_MISMATCH, "not a did:webvh DID with a SCID")
    return parts[2]


# --- parameters ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WitnessRule:
    """A ``witness`` parameter: ``threshold`` distinct approvals out of ``witnesses``."""

    threshold: int
    witnesses: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Parameters:
    """The active did:webvh parameters after an entry (defaults filled in)."""

    method: str
    scid: str
    update_keys: tuple[str, ...]
    next_key_hashes: tuple[str, ...] = ()
    witness: WitnessRule | None = None
    watchers: tuple[str, ...] = ()
    portable: bool = False
    deactivated: bool = False
    ttl: int = DEFAULT_TTL

    def to_metadata(self) -> JsonObject:
        """The parameters as DID document metadata (§"Read": strings for numbers)."""
        witness: JsonObject = {}
        if self.witness is not None:
            witness = {
                "threshold": str(self.witness.threshold),
                "witnesses": [{"id": w} for w in self.witness.witnesses],
            }
        return {
            "scid": self.scid,
            "portable": self.portable,
            "deactivated": self.deactivated,
            "ttl": str(self.ttl),
            "witness": witness,
            "watchers": list(self.watchers),
        }


def _strings(value: object, name: str, number: int) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise DIDLogError(
            INVALID_PARAMETER, f"{name} is not a list of strings", version_number=number
        )
    return tuple(value)


def _ed25519_multikey(text: str, name: str, number: int) -> PublicKey:
    try:
        key = PublicKey.from_multibase(text)
    except VcidError:
        key = None
    if key is None or key.key_type is not KeyType.ED25519:
        raise DIDLogError(
            INVALID_PARAMETER,
            f"{name} holds a key that is not an Ed25519 Multikey",
            version_number=number,
        )
    return key


def _did_key_public(did: str) -> PublicKey | None:
    """The Ed25519 key of ``did:key:z6Mk...``, or None."""
    if not did.startswith("did:key:z"):
        return None
    try:
        key = PublicKey.from_multibase(did[len("did:key:") :])
    except VcidError:
        return None
    return key if key.key_type is KeyType.ED25519 else None


def _witness_rule(value: object, number: int) -> WitnessRule | None:
    if value is None or value == {}:
        return None
    if not isinstance(value, dict) or set(value) - {"threshold", "witnesses"}:
        raise DIDLogError(INVALID_PARAMETER, "witness is not an object", version_number=number)
    threshold = value.get("threshold")
    witnesses = value.get("witnesses")
    if not isinstance(witnesses, list) or not witnesses:
        raise DIDLogError(
            INVALID_PARAMETER, "witness.witnesses is not a non-empty list", version_number=number
        )
    ids: list[str] = []
    for item in witnesses:
        if not isinstance(item, dict) or set(item) - {"id", "weight"}:
            raise DIDLogError(
                INVALID_PARAMETER, "a witness is not an object with an id", version_number=number
            )
        ident = item.get("id")
        if not isinstance(ident, str) or _did_key_public(ident) is None:
            raise DIDLogError(
                INVALID_PARAMETER, "a witness id is not an Ed25519 did:key", version_number=number
            )
        if ident in ids:
            raise DIDLogError(INVALID_PARAMETER, "a witness is listed twice", version_number=number)
        ids.append(ident)
    if (
        isinstance(threshold, bool)
        or not isinstance(threshold, int)
        or not 1 <= threshold <= len(ids)
    ):
        raise DIDLogError(
            INVALID_PARAMETER,
            "witness.threshold is not an integer from 1 to the number of witnesses",
            version_number=number,
        )
    return WitnessRule(threshold, tuple(ids))


def _apply_parameters(
    previous: Parameters | None, update: Mapping[str, JsonValue], number: int
) -> Parameters:
    """The parameters in force after an entry whose ``parameters`` is ``update``."""
    unknown = set(update) - _PARAMETERS
    if unknown:
        raise DIDLogError(
            INVALID_PARAMETER, f"unknown parameter {sorted(unknown)[0]!r}", version_number=number
        )
    # Deprecated nulls stand for the default (§"Parameters", note).
    values = {k: v for k, v in update.items() if v is not None}
    if previous is None:
        for required in ("method", "scid", "updateKeys"):
            if required not in values:
                raise DIDLogError(
                    INVALID_PARAMETER, f"the first entry has no {required}", version_number=number
                )
    elif "scid" in values:
        raise DIDLogError(INVALID_PARAMETER, "scid appears after the first entry", number)
    kwargs: dict[str, object] = {}
    if "method" in values:
        if values["method"] != METHOD_VERSION:
            raise DIDLogError(
                INVALID_PARAMETER, "method is not did:webvh:1.0", version_number=number
            )
        kwargs["method"] = METHOD_VERSION
    if "scid" in values:
        scid = values["scid"]
        if not isinstance(scid, str) or not _is_sha256_multihash(scid):
            raise DIDLogError(BAD_SCID, "scid is not a SHA-256 multihash", version_number=number)
        kwargs["scid"] = scid
    if "updateKeys" in values:
        keys = (
            _strings(values["updateKeys"], "updateKeys", number)
            if values["updateKeys"] != []
            else ()
        )
        for key in keys:
            _ed25519_multikey(key, "updateKeys", number)
        kwargs["update_keys"] = keys
    if "nextKeyHashes" in values:
        hashes = (
            _strings(values["nextKeyHashes"], "nextKeyHashes", number)
            if values["nextKeyHashes"] != []
            else ()
        )
        if not all(_is_sha256_multihash(h) for h in hashes):
            raise DIDLogError(
                INVALID_PARAMETER, "nextKeyHashes holds a non-SHA-256 multihash", number
            )
        kwargs["next_key_hashes"] = hashes
    if "witness" in update:
        kwargs["witness"] = _witness_rule(update["witness"], number)
    if "watchers" in values:
        watchers = values["watchers"]
        kwargs["watchers"] = _strings(watchers, "watchers", number) if watchers != [] else ()
    if "portable" in values:
        portable = values["portable"]
        if not isinstance(portable, bool):
            raise DIDLogError(INVALID_PARAMETER, "portable is not a boolean", number)
        if portable and previous is not None:
            raise DIDLogError(
                INVALID_PARAMETER, "portable may be enabled only in the first entry", number
            )
        kwargs["portable"] = portable
    if "deactivated" in values:
        if not isinstance(values["deactivated"], bool):
            raise DIDLogError(INVALID_PARAMETER, "deactivated is not a boolean", number)
        kwargs["deactivated"] = values["deactivated"]
    if "ttl" in values:
        ttl = values["ttl"]
        if isinstance(ttl, bool) or not isinstance(ttl, int) or not 0 <= ttl <= 2**31:
            raise DIDLogError(INVALID_PARAMETER, "ttl is not an integer from 0 to 2^31", number)
        kwargs["ttl"] = ttl
    if previous is None:
        return Parameters(**kwargs)  # type: ignore[arg-type]
    return _replace(previous, kwargs)


def _replace(params: Parameters, changes: Mapping[str, object]) -> Parameters:
    return replace(params, **changes)  # type: ignore[arg-type]


# --- proofs (eddsa-jcs-2022) --------------------------------------------------


def _proof_hash_data(document: Mapping[str, JsonValue], proof: Mapping[str, JsonValue]) -> bytes:
    """vc-di-eddsa §3.3.4-3.3.5: SHA-256(JCS(proof config)) || SHA-256(JCS(document))."""
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    return (
        hashlib.sha256(jcs.canonicalize(config)).digest()
        + hashlib.sha256(jcs.canonicalize(unsecured)).digest()
    )


def sign_eddsa_jcs(
    document: Mapping[str, JsonValue], signer: PrivateKey, *, created: datetime
) -> JsonObject:
    """An ``eddsa-jcs-2022`` proof over ``document`` by an Ed25519 ``did:key``.

    The verification method is ``did:key:<multikey>#<multikey>``, the form
    did:webvh requires of update keys and witnesses.

    :raises UsageError: for a key that is not Ed25519 or a naive ``created``.
    """
    if signer.key_type is not KeyType.ED25519:
        raise UsageError("did:webvh 1.0 signs with Ed25519 keys (eddsa-jcs-2022)")
    multikey = signer.public_key.to_multibase()
    proof: JsonObject = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "verificationMethod": f"did:key:{multikey}#{multikey}",
        "created": _format_time(created),
        "proofPurpose": "assertionMethod",
    }
    signature = signer.sign(_proof_hash_data(document, proof))
    proof["proofValue"] = multibase_encode(signature, "z")
    return proof


def _verify_proof(
    document: Mapping[str, JsonValue], proof: object, allowed: Iterable[str] | None
) -> str:
    """Verify one log or witness proof; returns the signer's multikey.

    :param allowed: the multikeys that may sign (None: any did:key).
    :raises ValueError: naming the failed check.
    """
    if not isinstance(proof, dict):
        raise ValueError("a proof is not an object")
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != CRYPTOSUITE:
        raise ValueError("the proof is not a DataIntegrityProof with eddsa-jcs-2022")
    if proof.get("proofPurpose") != "assertionMethod":
        raise ValueError("the proof's purpose is not assertionMethod")
    method = proof.get("verificationMethod")
    if not isinstance(method, str) or not method.startswith("did:key:"):
        raise ValueError("the proof's verification method is not a did:key")
    body, sep, fragment = method[len("did:key:") :].partition("#")
    if not sep or body != fragment:
        raise ValueError("the proof's did:key fragment differs from its key")
    if allowed is not None and body not in allowed:
        raise PermissionError("the proof's key is not an authorised update key")
    key = _did_key_public("did:key:" + body)
    value = proof.get("proofValue")
    if key is None or not isinstance(value, str):
        raise ValueError("the proof has no Ed25519 key or no proofValue")
    created = proof.get("created")
    if created is not None and not (isinstance(created, str) and _TIME_RE.fullmatch(created)):
        raise ValueError("the proof's created is not a UTC date-time")
    try:
        signature = multibase_decode(value, bases=("z",))
        key.verify(signature, _proof_hash_data(document, proof))
    except VcidError:
        raise ValueError("the proof's signature does not verify") from None
    return body


# --- times --------------------------------------------------------------------


def _format_time(moment: datetime) -> str:
    if moment.utcoffset() is None:
        raise UsageError("times must be timezone-aware")
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_time(text: object, number: int) -> datetime:
    if not isinstance(text, str) or not _TIME_RE.fullmatch(text):
        raise DIDLogError(VERSION_TIME, "versionTime is not a UTC ISO 8601 time", number)
    head = text[:-1] if text.endswith("Z") else text[: -len("+00:00")]
    main, _, fraction = head.partition(".")
    try:
        moment = datetime.strptime(main, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        raise DIDLogError(VERSION_TIME, "versionTime is not a valid time", number) from None
    if fraction:
        moment += timedelta(microseconds=int(fraction[:6].ljust(6, "0")))
    return moment


# --- verification ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LogVersion:
    """One verified version of a did:webvh DID.

    :param version_id: ``<number>-<entryHash>``.
    :param version_time: when the controller says the version took effect.
    :param document: the DID document (the entry's ``state``).
    :param parameters: the parameters in force after this entry.
    :param witness: the witness rule that had to approve this entry, if any.
    :param line: the entry exactly as published (one line, no newline).
    """

    version_number: int
    version_id: str
    version_time: datetime
    version_time_text: str
    document: JsonObject
    parameters: Parameters
    witness: WitnessRule | None
    line: str

    @property
    def commitment(self) -> bytes:
        """``SHA-256`` of the published line: the hash a transparency log records."""
        return hashlib.sha256(self.line.encode("utf-8")).digest()


@dataclass(frozen=True, slots=True)
class VerifiedLog:
    """A did:webvh log after verification.

    ``versions`` are the entries that verified, in order; ``error`` is the
    failure that stopped verification (entries from it on are dropped), or
    None when the whole log verified.
    """

    versions: tuple[LogVersion, ...]
    error: DIDLogError | None = None

    @property
    def scid(self) -> str:
        """The DID's SCID."""
        return self.versions[0].parameters.scid

    @property
    def latest(self) -> LogVersion:
        """The last verified version."""
        return self.versions[-1]

    def to_jsonl(self) -> str:
        """The verified entries as ``did.jsonl`` text."""
        return "".join(v.line + "\n" for v in self.versions)


def split_lines(text: str | bytes) -> list[str]:
    """The entries of ``did.jsonl`` text (blank trailing lines ignored).

    :raises DIDLogError: for text that is not UTF-8 or a log with no entry.
    """
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise DIDLogError(MALFORMED_ENTRY, "the log is not UTF-8") from None
    lines = text.split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        raise DIDLogError(MALFORMED_ENTRY, "the log has no entries")
    if len(lines) > MAX_ENTRIES:
        raise DIDLogError(MALFORMED_ENTRY, f"the log has more than {MAX_ENTRIES} entries")
    return lines


def _parse_entry(line: str, number: int) -> JsonObject:
    try:
        entry = load_object(line.encode("utf-8"))
    except VcidError:
        raise DIDLogError(MALFORMED_ENTRY, "the line is not a JSON object", number) from None
    if set(entry) != _ENTRY_KEYS:
        raise DIDLogError(
            MALFORMED_ENTRY,
            "an entry has exactly versionId, versionTime, parameters, state and proof",
            number,
        )
    if not isinstance(entry["parameters"], dict) or not isinstance(entry["state"], dict):
        raise DIDLogError(MALFORMED_ENTRY, "parameters and state must be objects", number)
    proofs = entry["proof"]
    if not isinstance(proofs, list) or not proofs:
        raise DIDLogError(MALFORMED_ENTRY, "proof is not a non-empty list", number)
    return entry


def verify_entry(line: str, previous: LogVersion | None, *, now: datetime) -> LogVersion:
    """Verify one log line against the version before it (§"Read (Resolve)").

    :param previous: the last verified version, None for the first line.
    :param now: the resolver's clock, for the future-time tolerance.
    :raises DIDLogError: naming the failed rule.
    """
    number = 1 if previous is None else previous.version_number + 1
    entry = _parse_entry(line, number)
    if previous is not None and previous.parameters.deactivated:
        raise DIDLogError(DEACTIVATED, "an entry follows the deactivation", number)
    # Step 1: parameters.
    update = entry["parameters"]
    assert isinstance(update, dict)
    params = _apply_parameters(previous.parameters if previous else None, update, number)
    # Step 3: versionId, number and entry hash.
    version_id = entry["versionId"]
    if not isinstance(version_id, str) or version_id.count("-") != 1:
        raise DIDLogError(MALFORMED_ENTRY, "versionId is not <number>-<entryHash>", number)
    count, _, claimed_hash = version_id.partition("-")
    if not count.isascii() or not count.isdigit() or count != str(number):
        raise DIDLogError(VERSION_SEQUENCE, f"versionId does not start with {number}-", number)
    if not _is_sha256_multihash(claimed_hash):
        raise DIDLogError(HASH_CHAIN_BROKEN, "entryHash is not a SHA-256 multihash", number)
    predecessor = params.scid if previous is None else previous.version_id
    if entry_hash(entry, predecessor) != claimed_hash:
        raise DIDLogError(HASH_CHAIN_BROKEN, "entryHash does not match the entry", number)
    # Step 4: versionTime.
    moment = _parse_time(entry["versionTime"], number)
    if previous is not None and moment <= previous.version_time:
        raise DIDLogError(VERSION_TIME, "versionTime is not after the previous entry's", number)
    if moment > now + MAX_FUTURE_SKEW:
        raise DIDLogError(VERSION_TIME, "versionTime is in the future", number)
    # Step 5: the SCID of the first entry.
    if previous is None and _scid_of(entry, params.scid) != params.scid:
        raise DIDLogError(BAD_SCID, "the SCID does not match the first entry", number)
    # Step 6: state.id carries the SCID.
    state = entry["state"]
    assert isinstance(state, dict)
    doc_id = state.get("id")
    if not isinstance(doc_id, str) or scid_of_did(doc_id) != params.scid:
        raise DIDLogError(DID_MISMATCH, "state.id does not carry the DID's SCID", number)
    if previous is not None and doc_id != previous.document.get("id") and not params.portable:
        raise DIDLogError(DID_MISMATCH, "state.id changed but the DID is not portable", number)
    # Step 7: pre-rotation.
    pre_rotation = previous is not None and bool(previous.parameters.next_key_hashes)
    if pre_rotation:
        assert previous is not None
        if "updateKeys" not in update or "nextKeyHashes" not in update:
            raise DIDLogError(
                PRE_ROTATION,
                "pre-rotation needs updateKeys and nextKeyHashes in each entry",
                number,
            )
        committed = set(previous.parameters.next_key_hashes)
        for key in params.update_keys:
            if next_key_hash(key) not in committed:
                raise DIDLogError(
                    PRE_ROTATION, "an update key was not committed in nextKeyHashes", number
                )
    # Step 2: the proofs, by the active update keys (§"Authorized Keys").
    if previous is None or pre_rotation:
        authorised = params.update_keys
    else:
        authorised = previous.parameters.update_keys
    proofs = entry["proof"]
    assert isinstance(proofs, list)
    unsecured = {k: v for k, v in entry.items() if k != "proof"}
    for proof in proofs:
        try:
            _verify_proof(unsecured, proof, authorised)
        except PermissionError as exc:
            raise DIDLogError(UNAUTHORIZED_UPDATE, str(exc), number) from None
        except ValueError as exc:
            raise DIDLogError(PROOF_FAILED, str(exc), number) from None
    # §"Witness Lists": a new rule replaces an active one only after its
    # entry; switching witnesses on from none takes effect at once.
    if previous is None or previous.parameters.witness is None:
        witness = params.witness
    else:
        witness = previous.parameters.witness
    return LogVersion(
        version_number=number,
        version_id=version_id,
        version_time=moment,
        version_time_text=str(entry["versionTime"]),
        document=state,
        parameters=params,
        witness=witness,
        line=line,
    )


def verify_log(
    text: str | bytes,
    *,
    now: datetime,
    witness_file: bytes | str | Callable[[], bytes | None] | None = None,
    verified: Sequence[LogVersion] = (),
    check_witnesses: bool = True,
) -> VerifiedLog:
    """Verify a whole ``did.jsonl`` and its witness approvals.

    Never raises for a log that fails past its first entry: verification
    stops there, the earlier versions are kept, and ``error`` says why (a
    historic query may still use them, §"Read (Resolve)" step 11).

    :param now: the resolver's clock (aware).
    :param witness_file: the ``did-witness.json`` body, or a function that
        fetches it (called only when some entry is witnessed; None for none).
    :param verified: versions already verified for a prefix of this log
        (their lines must be the log's first lines); they are not re-checked.
    :param check_witnesses: False only for a witness about to approve the
        latest entry (every other rule is still checked).
    :raises DIDLogError: if not even the first entry verifies, or the log is
        not UTF-8 or empty.
    """
    if now.utcoffset() is None:
        raise UsageError("now must be timezone-aware")
    lines = split_lines(text)
    versions: list[LogVersion] = []
    for line, known in zip(lines, verified, strict=False):
        if known.line != line:
            break
        versions.append(known)
    error: DIDLogError | None = None
    for line in lines[len(versions) :]:
        try:
            versions.append(verify_entry(line, versions[-1] if versions else None, now=now))
        except DIDLogError as exc:
            error = exc
            break
    if not versions:
        assert error is not None
        raise error
    if check_witnesses and any(v.witness is not None for v in versions):
        body = witness_file() if callable(witness_file) else witness_file
        approved, witness_error = _check_witnesses(versions, body)
        if witness_error is not None:
            versions = versions[:approved]
            error = witness_error
            if not versions:
                raise witness_error
    return VerifiedLog(tuple(versions), error)


def _witness_approvals(
    witness_file: bytes | str | None, version_numbers: Mapping[str, int]
) -> dict[str, int]:
    """For each witness did:key, the highest published version it approved."""
    if witness_file is None:
        return {}
    try:
        raw = witness_file.encode("utf-8") if isinstance(witness_file, str) else witness_file
        items = json.loads(raw)
    except (UnicodeDecodeError, ValueError):
        raise DIDLogError(WITNESS_MISSING, "did-witness.json is not JSON") from None
    if not isinstance(items, list):
        raise DIDLogError(WITNESS_MISSING, "did-witness.json is not a list")
    best: dict[str, int] = {}
    for item in items:
        if not isinstance(item, dict):
            continue
        version_id = item.get("versionId")
        proofs = item.get("proof")
        number = version_numbers.get(version_id) if isinstance(version_id, str) else None
        if number is None or not isinstance(proofs, list):
            continue  # §"Verifying Witness Proofs": unpublished entries are ignored
        container = {k: v for k, v in item.items() if k != "proof"}
        for proof in proofs:
            try:
                signer = _verify_proof(container, proof, None)
            except (ValueError, PermissionError):
                continue  # a failing proof is discarded, not fatal
            ident = "did:key:" + signer
            best[ident] = max(best.get(ident, 0), number)
    return best


def _check_witnesses(
    versions: Sequence[LogVersion], witness_file: bytes | str | None
) -> tuple[int, DIDLogError | None]:
    """How many leading versions are approved, and the failure after them."""
    numbers = {v.version_id: v.version_number for v in versions}
    approvals = _witness_approvals(witness_file, numbers)
    for index, version in enumerate(versions):
        rule = version.witness
        if rule is None:
            continue
        # A witness's proof for a version approves every earlier one too.
        count = sum(1 for w in rule.witnesses if approvals.get(w, 0) >= version.version_number)
        if count < rule.threshold:
            return index, DIDLogError(
                WITNESS_MISSING,
                f"{count} of the {rule.threshold} witness approvals needed",
                version_number=version.version_number,
            )
    return len(versions), None


# --- writing ------------------------------------------------------------------


def _line(entry: Mapping[str, JsonValue]) -> str:
    return json.dumps(entry, ensure_ascii=False, separators=(",", ":"))


def create_entry(
    document: Mapping[str, JsonValue],
    *,
    signer: PrivateKey,
    update_keys: Sequence[str] | None = None,
    next_key_hashes: Sequence[str] = (),
    witness: WitnessRule | None = None,
    watchers: Sequence[str] = (),
    portable: bool = False,
    ttl: int | None = None,
    version_time: datetime,
) -> LogVersion:
    """Create a did:webvh DID: its first log entry (§"Create (Register)").

    :param document: the initial DID document, with the literal ``{SCID}``
        wherever the SCID goes (at least in its ``id``:
        ``did:webvh:{SCID}:example.com``).
    :param signer: an Ed25519 key in ``update_keys``.
    :param update_keys: the Multikeys that may update the DID; defaults to
        the signer's.
    :param next_key_hashes: pre-rotation commitments (see :func:`next_key_hash`).
    :param version_time: the creation time (aware; seconds are kept).
    :returns: the verified first version; its ``line`` starts ``did.jsonl``.
    :raises UsageError: for a document without the placeholder in its id, a
        signer not among the update keys, or parameters the method rejects.
    """
    doc_id = document.get("id")
    if not isinstance(doc_id, str) or not doc_id.startswith("did:webvh:" + SCID_PLACEHOLDER + ":"):
        raise UsageError("the document id must be did:webvh:{SCID}:<domain>[:<path>]")
    keys = list(update_keys) if update_keys is not None else [signer.public_key.to_multibase()]
    if signer.public_key.to_multibase() not in keys:
        raise UsageError("the signer must be one of the update keys")
    params: JsonObject = {"method": METHOD_VERSION, "scid": SCID_PLACEHOLDER}
    params["updateKeys"] = list(keys)
    if next_key_hashes:
        params["nextKeyHashes"] = list(next_key_hashes)
    if witness is not None:
        params["witness"] = _witness_json(witness)
    if watchers:
        params["watchers"] = list(watchers)
    params["portable"] = portable
    if ttl is not None:
        params["ttl"] = ttl
    preliminary: JsonObject = {
        "versionId": SCID_PLACEHOLDER,
        "versionTime": _format_time(version_time),
        "parameters": params,
        "state": dict(document),
    }
    # §"Create" step 5: SCID, text replacement, entry hash, proof.
    scid = multihash_sha256(jcs.canonicalize(preliminary))
    text = json.dumps(preliminary, ensure_ascii=False).replace(SCID_PLACEHOLDER, scid)
    entry = json.loads(text)
    entry["versionId"] = "1-" + entry_hash(entry, scid)
    return _sign_and_check(entry, signer, None, version_time)


def update_entry(
    previous: LogVersion,
    *,
    signer: PrivateKey,
    document: Mapping[str, JsonValue] | None = None,
    parameters: Mapping[str, JsonValue] | None = None,
    version_time: datetime,
) -> LogVersion:
    """The next log entry after ``previous`` (§"Update (Rotate)").

    :param document: the new DID document (default: unchanged).
    :param parameters: the parameters that change (``updateKeys``,
        ``nextKeyHashes``, ``witness``, ``deactivated``, ...); ``{}`` for none.
    :param signer: an authorised update key: with pre-rotation one of the
        new ``updateKeys``, otherwise one of the previous ones.
    :param version_time: after ``previous.version_time`` (aware).
    :raises UsageError: if the entry would not verify (its reason is given).
    """
    entry: JsonObject = {
        "versionId": previous.version_id,
        "versionTime": _format_time(version_time),
        "parameters": dict(parameters or {}),
        "state": dict(document if document is not None else previous.document),
    }
    entry["versionId"] = f"{previous.version_number + 1}-{entry_hash(entry, previous.version_id)}"
    return _sign_and_check(entry, signer, previous, version_time)


def deactivate_entry(
    previous: LogVersion, *, signer: PrivateKey, version_time: datetime
) -> tuple[LogVersion, ...]:
    """Entries that deactivate the DID (§"Deactivate (Revoke)").

    Sets ``deactivated`` and empties ``updateKeys``. With pre-rotation on,
    the first entry (signed by ``signer``, whose key must be committed)
    stops pre-rotation and the second deactivates.
    """
    versions: list[LogVersion] = []
    current = previous
    if current.parameters.next_key_hashes:
        current = update_entry(
            current,
            signer=signer,
            parameters={
                "updateKeys": [signer.public_key.to_multibase()],
                "nextKeyHashes": [],
            },
            version_time=version_time,
        )
        versions.append(current)
        version_time = version_time + timedelta(seconds=1)
    versions.append(
        update_entry(
            current,
            signer=signer,
            parameters={"updateKeys": [], "deactivated": True},
            version_time=version_time,
        )
    )
    return tuple(versions)


def _sign_and_check(
    entry: JsonObject, signer: PrivateKey, previous: LogVersion | None, created: datetime
) -> LogVersion:
    entry["proof"] = [sign_eddsa_jcs(entry, signer, created=created)]
    try:
        return verify_entry(_line(entry), previous, now=created)
    except DIDLogError as exc:
        raise UsageError(f"the new entry would not verify: {exc}") from None


def _witness_json(rule: WitnessRule) -> JsonObject:
    return {"threshold": rule.threshold, "witnesses": [{"id": w} for w in rule.witnesses]}


def witness_proof(version: LogVersion, signer: PrivateKey, *, created: datetime) -> JsonObject:
    """A witness's approval of ``version`` (a ``did-witness.json`` proof).

    :param signer: the witness's Ed25519 key (its did:key is in the rule).
    """
    return sign_eddsa_jcs({"versionId": version.version_id}, signer, created=created)


def witness_file(approvals: Mapping[str, Sequence[JsonObject]]) -> str:
    """``did-witness.json`` text from proofs per ``versionId``."""
    items = [{"versionId": vid, "proof": list(proofs)} for vid, proofs in approvals.items()]
    return json.dumps(items, indent=2) + "\n"


def did_web_document(version: LogVersion, *, files_url: str | None = None) -> JsonObject:
    """The parallel did:web document of a version (§"Publishing a Parallel did:web DID").

    :param files_url: the base HTTPS URL of the DID's files, for the implicit
        ``#files`` and ``#whois`` services (added when not present).
    """
    document = dict(version.document)
    did = str(document["id"])
    services = list(document.get("service") or [])  # type: ignore[arg-type]
    present = {s.get("id") for s in services if isinstance(s, dict)}
    if files_url is not None:
        if "#files" not in present and did + "#files" not in present:
            services.append(
                {"id": did + "#files", "type": "relativeRef", "serviceEndpoint": files_url}
            )
        if "#whois" not in present and did + "#whois" not in present:
            services.append(
                {
                    "id": did + "#whois",
                    "type": "LinkedVerifiablePresentation",
                    "serviceEndpoint": files_url + "whois.vp",
                }
            )
        document["service"] = services
    text = json.dumps(document, ensure_ascii=False).replace(
        f"did:webvh:{version.parameters.scid}:", "did:web:"
    )
    web = json.loads(text)
    aka = [a for a in web.get("alsoKnownAs", []) if isinstance(a, str)]
    web_id = web["id"]
    merged: list[JsonValue] = []
    for name in [*aka, did]:
        if name != web_id and name not in merged:
            merged.append(name)
    web["alsoKnownAs"] = merged
    result: JsonObject = web
    return result


__all__ = [
    "CRYPTOSUITE",
    "MAX_FUTURE_SKEW",
    "METHOD_VERSION",
    "SCID_PLACEHOLDER",
    "DIDLogError",
    "LogVersion",
    "Parameters",
    "VerifiedLog",
    "WitnessRule",
    "create_entry",
    "deactivate_entry",
    "did_web_document",
    "entry_hash",
    "multihash_sha256",
    "next_key_hash",
    "scid_of_did",
    "sign_eddsa_jcs",
    "split_lines",
    "update_entry",
    "verify_entry",
    "verify_log",
    "witness_file",
    "witness_proof",
]
