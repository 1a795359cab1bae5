"""Verify credentials and presentations into a :class:`VerificationReport`.

This is the one place where vcid turns exceptions into results: a bad
credential never raises, it yields a report whose checks say which step
failed and why. Misuse (a naive ``now``, a missing ``challenge`` argument)
raises :class:`~vcid.errors.UsageError`.

Check order, per credential: data model, proofs (suite, key, signature,
purpose, issuer is the key's controller), JSON-LD contexts, validity period,
status. A presentation's own proof (challenge, domain, holder) is checked
before the credentials it carries.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from vcid._json import JsonValue
from vcid.canon.jcs import canonicalize as jcs_canonicalize
from vcid.did.document import DIDDocument, VerificationMethod
from vcid.did.resolver import default_resolver
from vcid.encoding import multibase_decode
from vcid.errors import (
    DataModelError,
    DigestMismatch,
    DocumentLoadError,
    Expired,
    InvalidProof,
    JSONLDError,
    NotYetValid,
    StatusUnchecked,
    UndefinedTermError,
    UnsupportedError,
    UsageError,
    VcidError,
)
from vcid.jsonld import JsonLdProcessor, bundled_context_bytes
from vcid.ledger import SignedCheckpoint, check_receipt
from vcid.ledger.receipt import AnchorReader
from vcid.model import (
    Credential,
    RelatedResource,
    related_resources,
    validate_credential,
    validate_presentation,
)
from vcid.proofs import (
    AssertionPurpose,
    AuthenticationPurpose,
    get_suite,
    verify_proofs,
)
from vcid.report import Check, Outcome, VerificationReport
from vcid.schema import validate_credential_schemas

DEFAULT_CLOCK_SKEW = timedelta(minutes=5)
#: Codes that mean a JSON-LD context problem found while canonicalizing.
_CONTEXT_CODES = frozenset({UndefinedTermError.code, JSONLDError.code, DocumentLoadError.code})
#: The most credentials one presentation may carry.
MAX_PRESENTED_CREDENTIALS = 64


class StatusChecker(Protocol):
    """Checks a credential's ``credentialStatus`` entries (revocation and so on).

    Returns one or more checks named ``status`` or ``status[i]...``: failed
    for revoked or suspended, ``alert`` for a flag a person must see (a
    missing-child alert), indeterminate when a list cannot be had or is
    stale. It must not raise for a bad credential or list.
    """

    def check_status(self, credential: Credential, *, now: datetime) -> tuple[Check, ...]: ...


class Resolver(Protocol):
    """What the verifier needs from DID resolution (a ``ResolverRegistry``)."""

    def resolve_verification_method(
        self, vm_url: str, *, relationship: str
    ) -> VerificationMethod: ...

    def resolve_document(self, did: str) -> DIDDocument: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class ReceiptPolicy:
    """How the verifier treats transparency-log receipts (issue 4).

    :param required: a credential without a receipt fails ``ledger.receipt``.
    :param trusted_checkpoints: checkpoints the verifier already holds; a
        receipt must be consistent with them (no fork, no shrunk tree).
    :param consistency: gives RFC 9162 consistency proofs between two sizes
        (from the log, or a synced cache); needed to prove growth.
    :param anchor_reader: reads on-chain anchors (online or a synced cache);
        without one, ``ledger.anchor`` is skipped.
    """

    required: bool = False
    trusted_checkpoints: tuple[SignedCheckpoint, ...] = ()
    consistency: Callable[[int, int], Sequence[bytes]] | None = None
    anchor_reader: AnchorReader | None = None


class CredentialVerifier:
    """Verifies credentials and presentations with one fixed environment.

    The environment (DID resolver, JSON-LD processor and its contexts,
    accepted cryptosuites, clock skew) is fixed at construction so that its
    caches (processed contexts, resolved did:key documents) are reused by
    every call. Build one and keep it.

    :param resolver: resolves verification methods; defaults to did:key and
        did:jwk, offline.
    :param jsonld: the JSON-LD processor; defaults to the bundled contexts
        only, in safe mode.
    :param allowed_suites: the cryptosuites accepted; None for all supported.
    :param max_clock_skew: tolerance for validity periods and proof expiry.
    :param status_checker: checks ``credentialStatus`` entries; without one,
        a credential that has a status entry is never ``valid`` (its
        status check is indeterminate).
    :param receipts: how log receipts are checked when presented (and
        whether one is required); by default they are checked when given.
    """

    def __init__(
        self,
        *,
        resolver: Resolver | None = None,
        jsonld: JsonLdProcessor | None = None,
        allowed_suites: Collection[str] | None = None,
        max_clock_skew: timedelta = DEFAULT_CLOCK_SKEW,
        status_checker: StatusChecker | None = None,
        receipts: ReceiptPolicy | None = None,
    ) -> None:
        if not isinstance(max_clock_skew, timedelta) or max_clock_skew < timedelta(0):
            raise UsageError("max_clock_skew must be a non-negative timedelta")
        if allowed_suites is not None:
            if isinstance(allowed_suites, str):
                raise UsageError("allowed_suites must be a collection of names")
            for name in allowed_suites:
                get_suite(name)  # raises UnsupportedError for unknown names
        self._resolver: Resolver = resolver if resolver is not None else default_resolver()
        self._jsonld = jsonld if jsonld is not None else JsonLdProcessor()
        self._allowed = None if allowed_suites is None else frozenset(allowed_suites)
        self._skew = max_clock_skew
        self._status = status_checker
        self._receipts = receipts if receipts is not None else ReceiptPolicy()

    @property
    def jsonld(self) -> JsonLdProcessor:
        return self._jsonld

    def verify_credential(
        self,
        credential: Mapping[str, JsonValue],
        *,
        now: datetime | None = None,
        receipt: Mapping[str, object] | None = None,
    ) -> VerificationReport:
        """Verify one credential.

        :param credential: the secured credential as parsed JSON.
        :param now: the verification time (aware); defaults to the clock.
        :param receipt: the credential's transparency-log receipt, if one was
            presented (``VcidLogReceipt/v1`` JSON).
        :raises UsageError: for a naive ``now`` or a non-object credential.
        """
        moment = _moment(now)
        if not isinstance(credential, Mapping):
            raise UsageError("credential must be a JSON object")
        checks = self._credential_checks(credential, moment, receipt)
        return VerificationReport("credential", tuple(checks))

    def verify_presentation(
        self,
        presentation: Mapping[str, JsonValue],
        *,
        challenge: str | None,
        domain: str | None = None,
        now: datetime | None = None,
        receipts: Mapping[str, Mapping[str, object]] | None = None,
    ) -> VerificationReport:
        """Verify a presentation's own proof, then every credential in it.

        :param presentation: the signed presentation as parsed JSON.
        :param challenge: the challenge the verifier issued; it must be in
            the proof. ``None`` must be passed explicitly, and then replay
            protection is the caller's business.
        :param domain: the verifier's domain, required in the proof if given.
        :param now: the verification time (aware); defaults to the clock.
        :param receipts: transparency-log receipts presented with the
            credentials, keyed by credential ``id``.
        :raises UsageError: for misuse (naive ``now``, non-object input).
        """
        moment = _moment(now)
        if not isinstance(presentation, Mapping):
            raise UsageError("presentation must be a JSON object")
        checks: list[Check] = []
        holder: str | None = None
        try:
            view = validate_presentation(presentation)
            holder = view.holder_id
            checks.append(Check.passed("presentation.data_model"))
            if view.enveloped:
                checks.append(
                    Check(
                        "presentation.enveloped",
                        Outcome.INDETERMINATE,
                        UnsupportedError.code,
                        "enveloped credentials are not supported",
                    )
                )
        except DataModelError as exc:
            checks.append(Check.from_error("presentation.data_model", exc))
            raw_holder = presentation.get("holder")
            holder = raw_holder if isinstance(raw_holder, str) else None
        purpose = AuthenticationPurpose(
            challenge=challenge, domain=domain, expected_controller=holder
        )
        proof_checks = verify_proofs(
            presentation,
            resolver=self._resolver,
            jsonld=self._jsonld,
            purpose=purpose,
            allowed_suites=self._allowed,
            now=moment,
            max_clock_skew=self._skew,
        )
        checks.extend(_prefixed("presentation.", proof_checks))
        if challenge is None:
            checks.append(
                Check.skipped(
                    "presentation.challenge", "no challenge was expected: replay is not ruled out"
                )
            )
        checks.append(_context_check("presentation.context", proof_checks))
        held = receipts or {}
        embedded = _embedded_credentials(presentation)
        linked = _linkable(embedded)
        for index, item in enumerate(embedded):
            credential_id = item.get("id")
            receipt = held.get(credential_id) if isinstance(credential_id, str) else None
            item_checks = self._credential_checks(item, moment, receipt, linked)
            checks.extend(_prefixed(f"credential[{index}].", item_checks))
        return VerificationReport("presentation", tuple(checks))

    def verify(
        self,
        document: Mapping[str, JsonValue],
        *,
        challenge: str | None = None,
        domain: str | None = None,
        now: datetime | None = None,
    ) -> VerificationReport:
        """Verify a credential or a presentation, whichever ``document`` is."""
        if isinstance(document, Mapping) and _is_presentation(document):
            return self.verify_presentation(document, challenge=challenge, domain=domain, now=now)
        return self.verify_credential(document, now=now)

    # --- steps ------------------------------------------------------------

    def _credential_checks(
        self,
        credential: Mapping[str, JsonValue],
        now: datetime,
        receipt: Mapping[str, object] | None = None,
        linked: Mapping[str, Mapping[str, JsonValue]] | None = None,
    ) -> list[Check]:
        checks: list[Check] = []
        view: Credential | None = None
        try:
            view = validate_credential(credential)
            checks.append(Check.passed("data_model", f"VC {view.version}"))
        except DataModelError as exc:
            checks.append(Check.from_error("data_model", exc))
        if view is not None:
            checks.append(_schema_check(credential, view))
        issuer = view.issuer_id if view is not None else _raw_issuer(credential)
        proof_checks = verify_proofs(
            credential,
            resolver=self._resolver,
            jsonld=self._jsonld,
            purpose=AssertionPurpose(expected_controller=issuer),
            allowed_suites=self._allowed,
            now=now,
            max_clock_skew=self._skew,
        )
        checks.extend(proof_checks)
        checks.append(_context_check("context", proof_checks, credential, self._jsonld))
        if view is not None:
            checks.append(self._validity(view, now))
            checks.append(_related_resources(view, linked or {}))
            checks.extend(self._status_checks(view, now))
            checks.extend(self._receipt_checks(credential, view, receipt, now))
        return checks

    def _receipt_checks(
        self,
        credential: Mapping[str, JsonValue],
        view: Credential,
        receipt: Mapping[str, object] | None,
        now: datetime,
    ) -> tuple[Check, ...]:
        policy = self._receipts
        if receipt is None:
            if policy.required:
                missing = InvalidProof("a transparency-log receipt is required but none was given")
                return (Check.from_error("ledger.receipt", missing),)
            return ()
        return check_receipt(
            credential,
            receipt,
            resolver=self._resolver,
            issuer=view.issuer_id,
            trusted_checkpoints=policy.trusted_checkpoints,
            consistency=policy.consistency,
            anchor_reader=policy.anchor_reader,
            now=now,
            max_clock_skew=self._skew,
        )

    def _status_checks(self, view: Credential, now: datetime) -> tuple[Check, ...]:
        if not view.status_entries:
            return (Check.skipped("status", "the credential has no status entry"),)
        if self._status is None:
            error = StatusUnchecked(
                "the credential has a status entry but no status checker is configured"
            )
            return (Check.from_error("status", error),)
        return self._status.check_status(view, now=now)

    def _validity(self, view: Credential, now: datetime) -> Check:
        try:
            if view.valid_from is not None and now + self._skew < view.valid_from:
                raise NotYetValid("the credential is not valid yet (validFrom)")
            if view.valid_until is not None and now - self._skew > view.valid_until:
                raise Expired("the credential has expired (validUntil)")
        except VcidError as exc:
            return Check.from_error("validity", exc)
        return Check.passed("validity")


def _moment(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(UTC)
    if not isinstance(now, datetime) or now.utcoffset() is None:
        raise UsageError("now must be a timezone-aware datetime")
    return now


def _prefixed(prefix: str, checks: Iterable[Check]) -> list[Check]:
    return [Check(prefix + c.name, c.outcome, c.code, c.detail) for c in checks]


def _raw_issuer(document: Mapping[str, JsonValue]) -> str | None:
    issuer = document.get("issuer")
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else None


def _is_presentation(document: Mapping[str, JsonValue]) -> bool:
    types = document.get("type")
    names = [types] if isinstance(types, str) else types
    return isinstance(names, list) and "VerifiablePresentation" in names


def _embedded_credentials(
    presentation: Mapping[str, JsonValue],
) -> Sequence[Mapping[str, JsonValue]]:
    value = presentation.get("verifiableCredential")
    items = value if isinstance(value, list) else [] if value is None else [value]
    embedded = [
        item
        for item in items[:MAX_PRESENTED_CREDENTIALS]
        if isinstance(item, dict) and not _is_enveloped(item)
    ]
    return embedded


def _is_enveloped(item: Mapping[str, JsonValue]) -> bool:
    types = item.get("type")
    names = [types] if isinstance(types, str) else types
    return isinstance(names, list) and "EnvelopedVerifiableCredential" in names


def _context_check(
    name: str,
    proof_checks: Sequence[Check],
    document: Mapping[str, JsonValue] | None = None,
    jsonld: JsonLdProcessor | None = None,
) -> Check:
    """Whether every term and context of the document is defined.

    RDFC proofs already expand the document in safe mode while verifying, so
    their outcome is reused; a document with only JCS proofs is expanded
    here once, so that undefined terms are caught for every suite.
    """
    for check in proof_checks:
        if check.code in _CONTEXT_CODES:
            return Check(name, check.outcome, check.code, check.detail)
    if document is None or jsonld is None or _has_rdfc_proof(document):
        return Check.passed(name, "checked while canonicalizing")
    try:
        jsonld.check({k: v for k, v in document.items() if k != "proof"})
    except VcidError as exc:
        return Check.from_error(name, exc)
    return Check.passed(name)


def _has_rdfc_proof(document: Mapping[str, JsonValue]) -> bool:
    proofs = document.get("proof")
    items = proofs if isinstance(proofs, list) else [proofs]
    for proof in items:
        if isinstance(proof, dict):
            suite = proof.get("cryptosuite")
            if isinstance(suite, str) and suite.endswith(("-rdfc-2022", "-rdfc-2019")):
                return True
    return False


def _schema_check(credential: Mapping[str, JsonValue], view: Credential) -> Check:
    """Validate against every bundled JSON Schema the credential names (never fetched)."""
    if not view.schemas:
        return Check.skipped("schema", "no credentialSchema")
    try:
        checked = validate_credential_schemas(credential)
    except VcidError as exc:
        return Check.from_error("schema", exc)
    if not checked:
        return Check.skipped("schema", "no named schema is bundled: not checked (offline)")
    unchecked = len(view.schemas) - len(checked)
    detail = "checked " + ", ".join(checked)
    return Check.passed("schema", detail + (f"; {unchecked} not bundled" if unchecked else ""))


_DIGESTS_BY_LENGTH = {32: "sha256", 48: "sha384", 64: "sha512"}


def _linkable(
    credentials: Sequence[Mapping[str, JsonValue]],
) -> dict[str, Mapping[str, JsonValue]]:
    """The presented credentials by ``id``, for ``relatedResource`` links."""
    by_id: dict[str, Mapping[str, JsonValue]] = {}
    for credential in credentials:
        credential_id = credential.get("id")
        if isinstance(credential_id, str):
            by_id.setdefault(credential_id, credential)
    return by_id


def _held_bytes(resource_id: str, linked: Mapping[str, Mapping[str, JsonValue]]) -> bytes | None:
    """The bytes a digest of ``resource_id`` covers, if the verifier holds them.

    A bundled context is held byte for byte; a credential presented alongside
    is held as its RFC 8785 (JCS) form, the form vcid's builders digest.
    """
    data = bundled_context_bytes(resource_id)
    if data is not None:
        return data
    credential = linked.get(resource_id)
    if credential is None:
        return None
    try:
        return jcs_canonicalize(credential)
    except VcidError:
        return None


def _related_resources(view: Credential, linked: Mapping[str, Mapping[str, JsonValue]]) -> Check:
    """Check ``relatedResource`` digests of the resources held offline.

    vcid holds its bundled contexts byte for byte, and in a presentation the
    other credentials presented with this one (so a guardianship credential's
    link to the birth credential is checked); a digest that does not match
    fails. Resources vcid does not hold are not fetched (the verifier stays
    offline) and are reported as unchecked.
    """
    name = "related_resource"
    try:
        resources = related_resources(view)
    except VcidError as exc:
        return Check.from_error(name, exc)
    if not resources:
        return Check.skipped(name, "no relatedResource")
    held = 0
    for index, resource in enumerate(resources):
        data = _held_bytes(resource.id, linked)
        if data is None:
            continue
        held += 1
        try:
            _check_digests(resource, data, f"relatedResource[{index}]")
        except VcidError as exc:
            return Check.from_error(name, exc)
    if held == 0:
        return Check.skipped(name, "no related resource is held offline")
    unheld = len(resources) - held
    detail = f"{held} digest{'s' if held > 1 else ''} match"
    return Check.passed(name, detail + (f"; {unheld} not held offline" if unheld else ""))


def _check_digests(resource: RelatedResource, data: bytes, path: str) -> None:
    if resource.digest_sri is not None:
        for token in resource.digest_sri.split():
            algorithm, _, value = token.partition("?")[0].partition("-")
            if algorithm not in _DIGESTS_BY_LENGTH.values():
                raise DigestMismatch(f"{path}: digestSRI uses an unsupported hash")
            try:
                expected = base64.b64decode(value, validate=True)
            except ValueError:
                raise DigestMismatch(f"{path}: digestSRI is not valid base64") from None
            if not hmac.compare_digest(hashlib.new(algorithm, data).digest(), expected):
                raise DigestMismatch(f"{path}: digestSRI does not match the resource")
    if resource.digest_multibase is not None:
        digest = multibase_decode(resource.digest_multibase)
        by_length = _DIGESTS_BY_LENGTH.get(len(digest))
        if by_length is None or not hmac.compare_digest(
            hashlib.new(by_length, data).digest(), digest
        ):
            raise DigestMismatch(f"{path}: digestMultibase does not match the resource")


_DEFAULT: CredentialVerifier | None = None


def _default_verifier() -> CredentialVerifier:
    global _DEFAULT  # noqa: PLW0603 - one lazily built, immutable default
    if _DEFAULT is None:
        _DEFAULT = CredentialVerifier()
    return _DEFAULT


def verify(
    document: Mapping[str, JsonValue],
    *,
    challenge: str | None = None,
    domain: str | None = None,
    now: datetime | None = None,
    verifier: CredentialVerifier | None = None,
) -> VerificationReport:
    """Verify a credential or presentation with the offline defaults.

    :param document: the credential or presentation as parsed JSON.
    :param challenge: for a presentation, the challenge the verifier issued.
    :param domain: for a presentation, the verifier's domain.
    :param now: the verification time (aware); defaults to the clock.
    :param verifier: a configured :class:`CredentialVerifier`; defaults to
        one with bundled contexts and did:key/did:jwk resolution.
    """
    chosen = verifier if verifier is not None else _default_verifier()
    return chosen.verify(document, challenge=challenge, domain=domain, now=now)


__all__ = [
    "DEFAULT_CLOCK_SKEW",
    "CredentialVerifier",
    "ReceiptPolicy",
    "Resolver",
    "StatusChecker",
    "verify",
]
