"""The Data Integrity engine: add proofs to a document and verify them.

Implements VC Data Integrity 1.0 §4.2 "Add Proof", §4.3 "Add Proof
Set/Chain", §4.4 "Verify Proof" and §4.5 "Verify Proof Sets and Chains",
with the per-suite steps of vc-di-eddsa §3.2-3.3 and vc-di-ecdsa §3.2-3.3
(proof configuration, transformation, hashing, serialization):

* the proof configuration is the proof without ``proofValue``; for RDFC
  suites its ``@context`` is the document's, for JCS suites the proof itself
  carries the document's ``@context``;
* the signed bytes are ``hash(canonical proof config) || hash(canonical
  document)``, with SHA-256 (Ed25519, P-256) or SHA-384 (P-384);
* ``proofValue`` is multibase base58btc (``z``) of the raw signature;
* context injection (DI "Context Injection", decision 0013): when
  securing, a document whose ``@context`` includes neither the Data
  Integrity v2 context nor VC 2.0 gets the Data Integrity v2 context
  appended, for every suite; when verifying, a JCS proof's terms must be
  defined by the contexts in force (RDFC suites check this while
  canonicalizing).

Verification never raises for a bad document: every outcome is a
:class:`~vcid.report.Check`. Every proof must pass, never just one; each
is checked against its own controller, and at least one must be by the
expected party (the issuer, the holder).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Final, Protocol

from vcid._json import JsonObject, JsonValue
from vcid.canon import jcs
from vcid.did.document import VerificationMethod
from vcid.encoding import multibase_decode, multibase_encode
from vcid.errors import (
    ControllerMismatch,
    Expired,
    IndeterminateError,
    InvalidProof,
    PurposeMismatch,
    UndefinedTermError,
    UsageError,
    VcidError,
)
from vcid.jsonld.processor import JsonLdProcessor
from vcid.keys import KeyType, Signer
from vcid.proofs.options import (
    MAX_OPTION_ITEMS,
    MAX_OPTION_LENGTH,
    ProofOptions,
    format_datetime,
    parse_datetime,
)
from vcid.proofs.purposes import ProofPurpose
from vcid.proofs.suites import Canonicalization, Cryptosuite, get_suite
from vcid.report import Check, Outcome

#: The proof type every Data Integrity proof has (DI §3.1).
PROOF_TYPE: Final = "DataIntegrityProof"
#: The most proofs one document may carry.
MAX_PROOFS: Final = 32
#: The longest accepted ``proofValue``, in characters (a P-384 one is ~132).
MAX_PROOF_VALUE_LENGTH: Final = 512
#: The default tolerance between the verifier's and the signer's clocks.
DEFAULT_CLOCK_SKEW: Final = timedelta(minutes=5)
#: The context that defines the Data Integrity proof terms.
DATA_INTEGRITY_CONTEXT: Final = "https://w3id.org/security/data-integrity/v2"
#: Contexts that define every Data Integrity proof term (VC 2.0 includes them).
PROOF_TERM_CONTEXTS: Final = frozenset(
    {DATA_INTEGRITY_CONTEXT, "https://www.w3.org/ns/credentials/v2"}
)


class _Skipped(Exception):
    """Internal: a check that cannot run, with the reason."""


class VerificationMethodResolver(Protocol):
    """What the engine needs from a DID resolver (a ``ResolverRegistry``)."""

    def resolve_verification_method(self, vm_url: str, *, relationship: str) -> VerificationMethod:
        """The verification method at ``vm_url``, listed under ``relationship``."""
        ...


# --- adding proofs ----------------------------------------------------------


def add_proof(
    document: Mapping[str, JsonValue],
    *,
    signer: Signer,
    suite: str,
    options: ProofOptions,
    jsonld: JsonLdProcessor,
) -> JsonObject:
    """Sign ``document`` and return a new document carrying the proof.

    DI §4.2 "Add Proof" and §4.3 "Add Proof Set/Chain": if the document
    already has proofs, the new one joins them (``proof`` becomes a list).
    With ``options.previous_proof``, the proofs it names are included in the
    signed data, chaining the new proof to them. If the document's
    ``@context`` includes neither :data:`DATA_INTEGRITY_CONTEXT` nor the VC
    2.0 context (a VC 1.1 credential, say), the returned document has
    :data:`DATA_INTEGRITY_CONTEXT` appended to it, whatever the suite (DI
    "Context Injection"), so that the proof's terms are defined. The
    caller's document is never changed.

    :param document: the unsecured (or already secured) JSON-LD document.
    :param signer: the private key; its key type must suit ``suite``.
    :param suite: the cryptosuite name, such as ``eddsa-rdfc-2022``.
    :param options: the proof options (verification method, purpose, ...).
    :param jsonld: the JSON-LD processor for RDFC suites (its loader decides
        which contexts may be used).
    :raises UnsupportedError: for an unknown cryptosuite.
    :raises UsageError: for a signer whose key type the suite does not
        accept, a ``previous_proof`` id that no proof in the document has,
        or a document that already has proofs but lacks the Data Integrity
        context (adding it would break them).
    :raises InvalidProof: if the document's existing ``proof`` is malformed.
    :raises JSONLDError: (or a subclass) if the document cannot be turned
        into RDF, for example for a term its contexts do not define.
    :raises DocumentLoadError: if a context cannot be loaded.
    """
    cryptosuite = get_suite(suite)
    if not isinstance(options, ProofOptions):
        raise UsageError("options must be a ProofOptions")
    key_type = signer.key_type
    if not cryptosuite.allows(key_type):
        raise UsageError(
            f"cryptosuite {cryptosuite.name} does not accept "
            f"{getattr(key_type, 'value', key_type)} keys"
        )
    if not isinstance(document, Mapping):
        raise UsageError("document must be a JSON object")
    output: JsonObject = copy_json(dict(document))  # type: ignore[assignment]
    all_proofs = _existing_proofs(output.pop("proof", None))
    matching = _select_previous(all_proofs, options.previous_proof_ids)
    if matching is None:
        raise UsageError("previous_proof names a proof the document does not have")
    if options.id is not None and any(p.get("id") == options.id for p in all_proofs):
        raise UsageError("the document already has a proof with this id")
    if not defines_proof_terms(output.get("@context")):
        if all_proofs:
            raise UsageError(
                "the document has proofs but its @context lacks the Data Integrity "
                "context; adding it now would invalidate them"
            )
        output["@context"] = _with_data_integrity_context(output.get("@context"))

    input_document: JsonObject = dict(output)
    if matching:
        input_document["proof"] = [all_proofs[index] for index in matching]

    created = options.created or datetime.now(UTC)
    proof = _proof_options(options, cryptosuite, format_datetime(created))
    if cryptosuite.canonicalization == "jcs" and "@context" in output:
        proof["@context"] = copy.deepcopy(output["@context"])
    config = _proof_config(proof, cryptosuite, output)

    transform = _Transformer(jsonld)
    config_hash = cryptosuite.digest(
        key_type, transform.canonicalize_config(config, cryptosuite.canonicalization)
    )
    document_hash = cryptosuite.digest(
        key_type, transform.canonicalize(input_document, cryptosuite.canonicalization)
    )
    signature = signer.sign(config_hash + document_hash)
    proof["proofValue"] = multibase_encode(signature, cryptosuite.multibase)
    output["proof"] = [*all_proofs, proof] if all_proofs else proof
    return output


def copy_json(value: JsonValue) -> JsonValue:
    """A deep copy of parsed JSON (what ``copy.deepcopy`` gives, several times faster).

    Dicts and lists are copied, strings, numbers, booleans and None are
    immutable and shared; anything else is handed to ``copy.deepcopy``.
    Shared sub-objects are copied once per occurrence (JSON has no sharing).
    """
    kind = type(value)
    if kind is dict:
        return {key: copy_json(item) for key, item in value.items()}  # type: ignore[union-attr]
    if kind is list:
        return [copy_json(item) for item in value]  # type: ignore[union-attr]
    if kind is str or kind is int or kind is float or kind is bool or value is None:
        return value
    return copy.deepcopy(value)


def defines_proof_terms(context: JsonValue) -> bool:
    """Whether ``context`` includes a context defining the proof terms.

    True when the ``@context`` value names :data:`DATA_INTEGRITY_CONTEXT` or
    the VC 2.0 context: the test of DI "Context Injection" and of Digital
    Bazaar's ``ensureSuiteContext``. When it is False, :func:`add_proof`
    appends :data:`DATA_INTEGRITY_CONTEXT`.

    :param context: a document's ``@context`` value (or None).
    """
    return any(isinstance(item, str) and item in PROOF_TERM_CONTEXTS for item in _as_list(context))


def _with_data_integrity_context(context: JsonValue) -> JsonValue:
    """``context`` with the Data Integrity context appended (a new value)."""
    if context is None:
        return DATA_INTEGRITY_CONTEXT
    return [*_as_list(context), DATA_INTEGRITY_CONTEXT]


def _existing_proofs(value: JsonValue) -> list[JsonObject]:
    if value is None:
        return []
    proofs = [value] if isinstance(value, dict) else value
    if not isinstance(proofs, list) or not all(isinstance(p, dict) for p in proofs):
        raise InvalidProof("the document's proof is not an object or list of objects")
    if len(proofs) >= MAX_PROOFS:
        raise InvalidProof(f"a document may carry at most {MAX_PROOFS} proofs")
    return [p for p in proofs if isinstance(p, dict)]


def _proof_options(options: ProofOptions, cryptosuite: Cryptosuite, created: str) -> JsonObject:
    """The new proof's fields, in the order of the DI examples and vectors."""
    proof: JsonObject = {"type": PROOF_TYPE}
    if options.id is not None:
        proof["id"] = options.id
    proof["cryptosuite"] = cryptosuite.name
    proof["created"] = created
    if options.expires is not None:
        proof["expires"] = format_datetime(options.expires)
    proof["verificationMethod"] = options.verification_method
    proof["proofPurpose"] = options.proof_purpose
    if options.challenge is not None:
        proof["challenge"] = options.challenge
    if options.domain is not None:
        proof["domain"] = (
            options.domain if isinstance(options.domain, str) else list(options.domain)
        )
    if options.nonce is not None:
        proof["nonce"] = options.nonce
    if options.previous_proof is not None:
        previous = options.previous_proof
        proof["previousProof"] = previous if isinstance(previous, str) else list(previous)
    return proof


def _proof_config(
    proof_options: Mapping[str, JsonValue],
    cryptosuite: Cryptosuite,
    unsecured: Mapping[str, JsonValue],
) -> JsonObject:
    """The proof configuration (vc-di-eddsa §3.2.5 / §3.3.5)."""
    config: JsonObject = {k: v for k, v in proof_options.items() if k != "proofValue"}
    if cryptosuite.canonicalization == "rdfc" and "@context" in unsecured:
        config["@context"] = unsecured["@context"]
    return config


def _select_previous(all_proofs: Sequence[JsonValue], ids: Sequence[str]) -> tuple[int, ...] | None:
    """Indexes of the proofs whose ``id`` is in ``ids``; None if one is missing.

    The proofs keep their order in the document (DI §4.3 step 5, §4.5 3.2).
    """
    if not ids:
        return ()
    wanted = set(ids)
    found: list[int] = []
    present: set[str] = set()
    for index, proof in enumerate(all_proofs):
        proof_id = proof.get("id") if isinstance(proof, dict) else None
        if isinstance(proof_id, str) and proof_id in wanted:
            found.append(index)
            present.add(proof_id)
    return tuple(found) if present == wanted else None


# --- transformation and hashing -------------------------------------------


#: Proof configuration members whose string values change from proof to proof;
#: the others (``@context``, ``type``, ``cryptosuite``, ``proofPurpose``, ...)
#: make up its shape.
PROOF_CONFIG_VALUES: Final = frozenset(
    {"created", "verificationMethod", "expires", "challenge", "domain", "nonce", "id"}
)


def transform(document: Mapping[str, JsonValue], *, suite: str, jsonld: JsonLdProcessor) -> bytes:
    """A document's canonical bytes under a suite's transformation.

    RDFC-1.0 canonical N-Quads (UTF-8) for ``*-rdfc-*`` suites, JCS for
    ``*-jcs-*`` suites (vc-di-eddsa §3.2.3, §3.3.3; vc-di-ecdsa §3.2.3,
    §3.3.3). The document is used as given: remove its ``proof`` first.

    :param document: the JSON-LD document.
    :param suite: the cryptosuite name.
    :param jsonld: the JSON-LD processor (used by RDFC suites only).
    :raises UnsupportedError: for an unknown cryptosuite.
    :raises JSONLDError: (or a subclass) if RDF conversion fails.
    :raises CanonicalizationError: if canonicalization fails.
    """
    cryptosuite = get_suite(suite)
    return _Transformer(jsonld).canonicalize(dict(document), cryptosuite.canonicalization)


def proof_configuration(
    proof: Mapping[str, JsonValue],
    *,
    suite: str,
    document: Mapping[str, JsonValue],
) -> JsonObject:
    """The proof configuration that a suite hashes (vc-di-eddsa §3.2.5, §3.3.5).

    The proof without ``proofValue``; for RDFC suites its ``@context`` is
    the document's. (JCS proofs carry their own ``@context``.)

    :param proof: the proof or proof options.
    :param suite: the cryptosuite name.
    :param document: the unsecured document the proof is for.
    :raises UnsupportedError: for an unknown cryptosuite.
    """
    return _proof_config(proof, get_suite(suite), document)


_CacheKey = tuple[Canonicalization, str, tuple[int, ...]]


@dataclass
class _Transformer:
    """Canonicalizes with the suite's method, caching each document's result.

    A document is canonicalized at most once per distinct input (the same
    included previous proofs and ``@context``), and hashed at most once per
    hash algorithm, however many proofs share it. Failures are cached too.
    """

    jsonld: JsonLdProcessor
    _canonical: dict[_CacheKey, bytes | VcidError] = field(default_factory=dict)
    _hashes: dict[tuple[_CacheKey, str], bytes] = field(default_factory=dict)

    def canonicalize(self, value: JsonObject, method: Canonicalization) -> bytes:
        """The canonical bytes of ``value`` (RDFC-1.0 N-Quads or JCS)."""
        if method == "jcs":
            return jcs.canonicalize(value)
        return self.jsonld.canonical_nquads(value).encode("utf-8")

    def canonicalize_config(self, config: JsonObject, method: Canonicalization) -> bytes:
        """The canonical bytes of a proof configuration.

        Under RDFC-1.0 its shape is fixed by the cryptosuite and the
        document's context, so it is canonicalized once per shape and the
        values are filled in (:meth:`JsonLdProcessor.canonical_node_nquads`:
        same bytes, same errors).
        """
        if method == "jcs":
            return jcs.canonicalize(config)
        text = self.jsonld.canonical_node_nquads(config, variable=PROOF_CONFIG_VALUES)
        return text.encode("utf-8")

    def document_hash(
        self,
        key: _CacheKey,
        build: Callable[[], JsonObject],
        cryptosuite: Cryptosuite,
        key_type: KeyType,
    ) -> bytes:
        """hash(canonical document), computing each step once per ``key``."""
        algorithm = cryptosuite.hash_algorithm(key_type)
        cached_hash = self._hashes.get((key, algorithm))
        if cached_hash is not None:
            return cached_hash
        canonical = self._canonical.get(key)
        if canonical is None:
            try:
                canonical = self.canonicalize(build(), key[0])
            except VcidError as error:
                canonical = error
            self._canonical[key] = canonical
        if isinstance(canonical, VcidError):
            raise canonical
        digest = cryptosuite.digest(key_type, canonical)
        self._hashes[(key, algorithm)] = digest
        return digest


# --- verifying proofs -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Proof:
    """A structurally valid proof, read from the document."""

    cryptosuite: str
    verification_method: str
    proof_purpose: str
    signature: bytes
    expires: datetime | None
    created: datetime | None
    challenge: JsonValue
    domain: JsonValue
    previous_proof: tuple[str, ...]
    context: JsonValue
    has_context: bool
    options: JsonObject  # the proof without proofValue


def verify_proofs(
    document: Mapping[str, JsonValue],
    *,
    resolver: VerificationMethodResolver,
    jsonld: JsonLdProcessor,
    purpose: ProofPurpose,
    allowed_suites: Collection[str] | None = None,
    now: datetime,
    max_clock_skew: timedelta = DEFAULT_CLOCK_SKEW,
) -> tuple[Check, ...]:
    """Verify every Data Integrity proof on ``document`` (DI §4.4, §4.5).

    Each proof ``i`` yields the checks ``proof[i].structure``, ``.suite``,
    ``.verification_method``, ``.signature``, ``.purpose``, ``.controller``,
    ``.expires``, ``.challenge`` and ``.domain`` (only when ``purpose``
    expects them) and ``.previous_proof``. Every proof must verify against
    its own controller's DID document: its verification method listed
    under the purpose's relationship there, and controlled by that DID
    (``.controller`` names it). Then one document-level check,
    ``proof.<role>`` (``proof.issuer`` for :class:`AssertionPurpose`,
    ``proof.holder`` for :class:`AuthenticationPurpose`, ``proof.controller``
    otherwise), passes when at least one valid proof is by
    ``purpose.expected_controller``, so proof sets and chains may include a
    notary's or witness's proof; it is skipped when no controller is
    expected. A document verifies only if every proof does. A document
    without a proof gets a failed ``proof`` check. Bad input never raises:
    each failure becomes a check.

    :param document: the secured document.
    :param resolver: resolves a verification method URL under a verification
        relationship (for example a ``ResolverRegistry``).
    :param jsonld: the JSON-LD processor used by RDFC suites.
    :param purpose: what the proofs must be for (see :mod:`.purposes`).
    :param allowed_suites: the cryptosuites accepted; None for all of
        :data:`~vcid.proofs.suites.SUPPORTED_SUITES`.
    :param now: the verification time (aware).
    :param max_clock_skew: tolerance applied to ``expires``.
    :raises UsageError: for a naive ``now``, a negative skew, or arguments
        of the wrong type (never for a bad document).
    """
    if not isinstance(now, datetime) or now.utcoffset() is None:
        raise UsageError("now must be a timezone-aware datetime")
    if not isinstance(max_clock_skew, timedelta) or max_clock_skew < timedelta(0):
        raise UsageError("max_clock_skew must be a non-negative timedelta")
    if not isinstance(purpose, ProofPurpose):
        raise UsageError("purpose must be a ProofPurpose")
    if isinstance(allowed_suites, str):
        raise UsageError("allowed_suites must be a collection of suite names")
    allowed = None if allowed_suites is None else frozenset(allowed_suites)

    received: object = document  # typed as a Mapping, but checked: never raise
    if not isinstance(received, Mapping):
        return (Check.from_error("proof", InvalidProof("the document is not an object")),)
    raw = document.get("proof")
    proofs: list[JsonValue]
    if isinstance(raw, dict):
        proofs = [raw]
    elif isinstance(raw, list):
        proofs = raw
    elif raw is None:
        proofs = []
    else:
        error = InvalidProof("proof must be an object or a list of objects")
        return (Check.from_error("proof", error),)
    if not proofs:
        return (Check.from_error("proof", InvalidProof("the document has no proof")),)
    if len(proofs) > MAX_PROOFS:
        error = InvalidProof(f"a document may carry at most {MAX_PROOFS} proofs")
        return (Check.from_error("proof", error),)

    unsecured = {k: v for k, v in document.items() if k != "proof"}
    context = _Context(
        unsecured=unsecured,
        all_proofs=proofs,
        resolver=resolver,
        transform=_Transformer(jsonld),
        purpose=purpose,
        allowed=allowed,
        now=now,
        skew=max_clock_skew,
    )
    count = len(proofs)
    checks = [Check.passed("proof", f"{count} proof{'s' if count > 1 else ''}")]
    verifications = [
        _ProofVerification(context, index, proof) for index, proof in enumerate(proofs)
    ]
    for verification in verifications:
        checks.extend(verification.run())
    checks.append(_expected_party(purpose, verifications))
    return tuple(checks)


def _expected_party(purpose: ProofPurpose, verifications: Sequence[_ProofVerification]) -> Check:
    """``proof.<role>``: at least one valid proof is by the expected controller.

    Passes for a proof whose every check passed and whose verification
    method the expected controller controls. A proof that names one of the
    expected controller's methods but fails (or cannot be checked) already
    makes the document fail, so the check is then skipped rather than
    failed twice; with no such proof at all it fails.
    """
    role = purpose.controller_role
    name = f"proof.{role}"
    expected = purpose.expected_controller
    if expected is None:
        return Check.skipped(name, f"no expected {role} was given")
    for verification in verifications:
        if verification.controller == expected and verification.ok:
            return Check.passed(name, f"{verification.prefix} is by the {role}")
    for verification in verifications:
        if verification.claimed == expected:
            return Check.skipped(
                name, f"the {role}'s {verification.prefix} did not verify (see its checks)"
            )
    return Check.from_error(name, ControllerMismatch(f"no {purpose.term} proof is by the {role}"))


def _did_of(did_url: str) -> str:
    """The DID part of a DID URL (before any path, query or fragment)."""
    return did_url.split("#", 1)[0].split("?", 1)[0].split("/", 1)[0]


@dataclass(frozen=True, slots=True)
class _Context:
    """What every proof of one document is verified against."""

    unsecured: JsonObject
    all_proofs: list[JsonValue]
    resolver: VerificationMethodResolver
    transform: _Transformer
    purpose: ProofPurpose
    allowed: frozenset[str] | None
    now: datetime
    skew: timedelta


class _ProofVerification:
    """The checks of one proof, run in order; later ones skip if they cannot run."""

    def __init__(self, context: _Context, index: int, proof: JsonValue) -> None:
        self.ctx = context
        self.index = index
        self.raw = proof
        self.prefix = f"proof[{index}]"
        self.checks: list[Check] = []
        #: The DID whose verification method the proof names, once parsed.
        self.claimed: str | None = None
        #: The resolved verification method's controller, once checked.
        self.controller: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the signature verified and no check failed (after :meth:`run`)."""
        signature = self._name("signature")
        return any(
            c.name == signature and c.outcome is Outcome.PASSED for c in self.checks
        ) and all(c.outcome in (Outcome.PASSED, Outcome.SKIPPED) for c in self.checks)

    def _name(self, step: str) -> str:
        return f"{self.prefix}.{step}"

    def _run_step(self, step: str, action: Callable[[], str]) -> bool:
        """Run one check; record it; True if it passed."""
        name = self._name(step)
        try:
            detail = action()
        except _Skipped as skipped:
            self.checks.append(Check.skipped(name, str(skipped)))
            return False
        except VcidError as error:
            self.checks.append(Check.from_error(name, error))
            return False
        except Exception as error:
            reason = IndeterminateError(f"unexpected {type(error).__name__} in {step}")
            self.checks.append(Check.from_error(name, reason))
            return False
        self.checks.append(Check.passed(name, detail))
        return True

    def _skip(self, step: str, reason: str) -> None:
        self.checks.append(Check.skipped(self._name(step), reason))

    def _steps(self) -> list[str]:
        steps = ["suite", "verification_method", "signature", "purpose", "controller"]
        steps.append("expires")
        if self.ctx.purpose.challenge is not None:
            steps.append("challenge")
        if self.ctx.purpose.domain is not None:
            steps.append("domain")
        steps.append("previous_proof")
        return steps

    def run(self) -> list[Check]:
        parsed: list[_Proof] = []
        if not self._run_step("structure", lambda: self._parse(parsed)):
            for step in self._steps():
                self._skip(step, "the proof is malformed")
            return self.checks
        proof = parsed[0]
        ctx = self.ctx
        self.claimed = _did_of(proof.verification_method)

        suites: list[Cryptosuite] = []
        suite_ok = self._run_step("suite", lambda: self._suite(proof, suites))
        cryptosuite = suites[0] if suite_ok else None

        methods: list[VerificationMethod] = []
        relationship_error: list[PurposeMismatch] = []
        if cryptosuite is None:
            self._skip("verification_method", "the cryptosuite is not accepted")
            vm_ok = False
        else:
            vm_ok = self._resolve(proof, cryptosuite, methods, relationship_error)
        method = methods[0] if vm_ok else None

        previous = _select_previous(ctx.all_proofs, proof.previous_proof)
        if cryptosuite is None or method is None:
            self._skip("signature", "no usable cryptosuite and verification method")
        elif previous is None:
            self._skip("signature", "a previous proof is missing")
        else:
            self._run_step(
                "signature",
                lambda: self._signature(proof, cryptosuite, method, previous),
            )

        self._run_step("purpose", lambda: self._purpose(proof, relationship_error))

        if method is None:
            self._skip("controller", "the verification method was not resolved")
        else:
            self._run_step("controller", lambda: self._controller(proof, method))

        if proof.expires is None:
            self._skip("expires", "the proof has no expires")
        else:
            self._run_step("expires", lambda: self._expires(proof))
        if ctx.purpose.challenge is not None:
            self._run_step("challenge", lambda: self._challenge(proof))
        if ctx.purpose.domain is not None:
            self._run_step("domain", lambda: self._domain(proof))

        if not proof.previous_proof:
            self._skip("previous_proof", "the proof has no previousProof")
        else:
            self._run_step("previous_proof", lambda: self._previous(previous))
        return self.checks

    # -- the steps -------------------------------------------------------

    def _parse(self, out: list[_Proof]) -> str:
        out.append(_parse_proof(self.raw))
        return "well-formed DataIntegrityProof"

    def _suite(self, proof: _Proof, out: list[Cryptosuite]) -> str:
        cryptosuite = get_suite(proof.cryptosuite)
        if self.ctx.allowed is not None and cryptosuite.name not in self.ctx.allowed:
            raise InvalidProof(f"cryptosuite {cryptosuite.name} is not accepted here")
        out.append(cryptosuite)
        return cryptosuite.name

    def _resolve(
        self,
        proof: _Proof,
        cryptosuite: Cryptosuite,
        out: list[VerificationMethod],
        relationship_error: list[PurposeMismatch],
    ) -> bool:
        def resolve() -> str:
            try:
                method = _resolve_method(self.ctx.resolver, proof, self.ctx.purpose.relationship)
            except PurposeMismatch as error:
                # Reported by the purpose check: the method exists but is not
                # authorized for this relationship, so it is not used.
                relationship_error.append(error)
                raise _Skipped(
                    "not authorized for the required relationship (see purpose)"
                ) from None
            key_type = method.public_key.key_type
            if not cryptosuite.allows(key_type):
                raise InvalidProof(
                    f"cryptosuite {cryptosuite.name} does not accept {key_type.value} keys"
                )
            out.append(method)
            return f"{key_type.value} key"

        return self._run_step("verification_method", resolve)

    def _signature(
        self,
        proof: _Proof,
        cryptosuite: Cryptosuite,
        method: VerificationMethod,
        previous: tuple[int, ...],
    ) -> str:
        ctx = self.ctx
        # JCS suites (vc-di-eddsa §3.3.2, vc-di-ecdsa §3.3.2 step 4): the
        # document's @context must start with the proof's, which then stands
        # for the document's. RDFC suites take the document's @context.
        own_context = proof.has_context and cryptosuite.canonicalization == "jcs"
        context_key = ""
        if own_context:
            if not _starts_with(ctx.unsecured.get("@context"), proof.context):
                raise InvalidProof("the document's @context does not start with the proof's")
            context_key = jcs.canonicalize(proof.context).decode("utf-8")
        if cryptosuite.canonicalization == "jcs":
            in_force = proof.context if own_context else ctx.unsecured.get("@context")
            _check_proof_terms(ctx.transform.jsonld, proof.options, in_force)

        def build() -> JsonObject:
            document = dict(ctx.unsecured)
            if own_context:
                document["@context"] = proof.context
            if previous:
                document["proof"] = [ctx.all_proofs[i] for i in previous]
            return document

        key_type = method.public_key.key_type
        document_hash = ctx.transform.document_hash(
            (cryptosuite.canonicalization, context_key, previous),
            build,
            cryptosuite,
            key_type,
        )
        config = _proof_config(proof.options, cryptosuite, ctx.unsecured)
        config_hash = cryptosuite.digest(
            key_type,
            ctx.transform.canonicalize_config(config, cryptosuite.canonicalization),
        )
        method.public_key.verify(proof.signature, config_hash + document_hash)
        return f"{cryptosuite.name} signature verified"

    def _purpose(self, proof: _Proof, relationship_error: list[PurposeMismatch]) -> str:
        purpose = self.ctx.purpose
        if proof.proof_purpose != purpose.term:
            raise PurposeMismatch(f"proofPurpose is not {purpose.term}")
        if relationship_error:
            raise relationship_error[0]
        return purpose.term

    def _controller(self, proof: _Proof, method: VerificationMethod) -> str:
        # The method must be controlled by the DID whose document lists it
        # (the resolver checks this too; a custom resolver may not).
        if method.controller != _did_of(proof.verification_method):
            raise ControllerMismatch(
                "the verification method is not controlled by the DID whose document lists it"
            )
        self.controller = method.controller
        return f"controlled by {method.controller}"

    def _expires(self, proof: _Proof) -> str:
        assert proof.expires is not None
        if self.ctx.now - self.ctx.skew > proof.expires:
            raise Expired("the proof has expired")
        return "not expired"

    def _challenge(self, proof: _Proof) -> str:
        self.ctx.purpose.check_challenge(proof.challenge)
        return "challenge matches"

    def _domain(self, proof: _Proof) -> str:
        self.ctx.purpose.check_domain(proof.domain)
        return "domain matches"

    def _previous(self, previous: tuple[int, ...] | None) -> str:
        if previous is None:
            raise InvalidProof("previousProof names a proof the document does not have")
        return f"chained to {len(previous)} proof(s)"


def _check_proof_terms(
    jsonld: JsonLdProcessor, options: Mapping[str, JsonValue], context: JsonValue
) -> None:
    """Require every term of a JCS proof to be defined by ``context``.

    JCS never expands the proof, so without this a proof whose terms no
    context defines (a VC 1.1 credential without the Data Integrity
    context) would verify. RDFC suites fail the same way while
    canonicalizing the proof configuration.

    :raises UndefinedTermError: for a term the contexts do not define.
    :raises JSONLDError: for an invalid context.
    :raises DocumentLoadError: for a context the loader does not have.
    """
    config: JsonObject = {} if context is None else {"@context": context}
    config.update({k: v for k, v in options.items() if k != "@context"})
    try:
        jsonld.check(config)
    except UndefinedTermError as error:
        hint = "" if defines_proof_terms(context) else "; the Data Integrity context is missing"
        raise UndefinedTermError(
            f"the proof's terms are not all defined by the contexts in force ({error}){hint}"
        ) from None


# --- proof structure --------------------------------------------------------


def _parse_proof(raw: JsonValue) -> _Proof:
    """Check a proof's shape (DI §2.1, §4.4 step 4) and read its fields.

    :raises InvalidProof: for a missing or ill-typed field.
    :raises EncodingError: for a ``proofValue`` that is not base58btc.
    """
    if not isinstance(raw, dict):
        raise InvalidProof("the proof is not a JSON object")
    if raw.get("type") != PROOF_TYPE:
        raise InvalidProof(f"the proof type is not {PROOF_TYPE}")
    for name in ("cryptosuite", "verificationMethod", "proofPurpose"):
        value = raw.get(name)
        if not isinstance(value, str) or not value or len(value) > MAX_OPTION_LENGTH:
            raise InvalidProof(f"the proof's {name} is missing or not a string")
    for name in ("challenge", "id", "nonce"):
        if name in raw and not _is_text(raw[name]):
            raise InvalidProof(f"the proof's {name} is not a string")
    for name in ("domain", "previousProof"):
        if name in raw and not _is_text_or_list(raw[name]):
            raise InvalidProof(f"the proof's {name} is not a string or list of strings")
    created = parse_datetime(raw["created"], field_name="created") if "created" in raw else None
    expires = parse_datetime(raw["expires"], field_name="expires") if "expires" in raw else None
    if "@context" in raw and not isinstance(raw["@context"], str | list | dict):
        raise InvalidProof("the proof's @context is not a context")
    signature = _decode_proof_value(raw.get("proofValue"))
    previous = raw.get("previousProof")
    previous_ids: list[JsonValue] = (
        [previous]
        if isinstance(previous, str)
        else list(previous)
        if isinstance(previous, list)
        else []
    )
    return _Proof(
        cryptosuite=str(raw["cryptosuite"]),
        verification_method=str(raw["verificationMethod"]),
        proof_purpose=str(raw["proofPurpose"]),
        signature=signature,
        expires=expires,
        created=created,
        challenge=raw.get("challenge"),
        domain=raw.get("domain"),
        previous_proof=tuple(str(p) for p in previous_ids if isinstance(p, str)),
        context=raw.get("@context"),
        has_context="@context" in raw,
        options={k: v for k, v in raw.items() if k != "proofValue"},
    )


def _resolve_method(
    resolver: VerificationMethodResolver, proof: _Proof, relationship: str
) -> VerificationMethod:
    """The proof's verification method, as of its ``created`` time where the
    resolver keeps history (``resolve_verification_method_as_of``), so that a
    key rotated out after signing still verifies and one removed before the
    claimed creation does not."""
    as_of = getattr(resolver, "resolve_verification_method_as_of", None)
    if proof.created is None or as_of is None:
        return resolver.resolve_verification_method(
            proof.verification_method, relationship=relationship
        )
    method: VerificationMethod = as_of(
        proof.verification_method, relationship=relationship, as_of=proof.created
    )
    return method


def _decode_proof_value(value: JsonValue) -> bytes:
    if not isinstance(value, str) or not value:
        raise InvalidProof("the proof has no proofValue")
    if len(value) > MAX_PROOF_VALUE_LENGTH:
        raise InvalidProof("the proofValue is too long")
    if value[0] != "z":
        raise InvalidProof("the proofValue is not multibase base58btc ('z')")
    signature = multibase_decode(value)
    if not signature:
        raise InvalidProof("the proofValue is empty")
    return signature


def _is_text(value: JsonValue) -> bool:
    return isinstance(value, str) and 0 < len(value) <= MAX_OPTION_LENGTH


def _is_text_or_list(value: JsonValue) -> bool:
    if isinstance(value, list):
        return 0 < len(value) <= MAX_OPTION_ITEMS and all(_is_text(v) for v in value)
    return _is_text(value)


def _as_list(context: JsonValue) -> list[JsonValue]:
    if context is None:
        return []
    return context if isinstance(context, list) else [context]


def _starts_with(document_context: JsonValue, proof_context: JsonValue) -> bool:
    """Whether the document's @context begins with every entry of the proof's."""
    document_items = _as_list(document_context)
    proof_items = _as_list(proof_context)
    if not proof_items or len(proof_items) > len(document_items):
        return False
    return document_items[: len(proof_items)] == proof_items


__all__ = [
    "DATA_INTEGRITY_CONTEXT",
    "DEFAULT_CLOCK_SKEW",
    "MAX_PROOFS",
    "PROOF_TERM_CONTEXTS",
    "PROOF_TYPE",
    "VerificationMethodResolver",
    "add_proof",
    "defines_proof_terms",
    "proof_configuration",
    "transform",
    "verify_proofs",
]
