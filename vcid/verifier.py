"""Verify credentials and presentations into a :class:`VerificationReport`.

This is the one place where vcid turns exceptions into results: a bad
credential never raises, it yields a report whose checks say which step
failed and why. Misuse (a naive ``now``, a non-object document) raises
:class:`~vcid.errors.UsageError`.

Check order, per credential: data model, schema, proofs (suite, key,
signature, purpose, controller; one ``assertionMethod`` proof by the
issuer), JSON-LD contexts, trust (the environment's trust registry
accredits the issuer; skipped without one), validity period, related resources, status,
log receipt. A presentation's own proof (challenge, domain, holder) is
checked before the credentials it carries, and a presentation verified
without the challenge the verifier issued is not valid unless the caller
says none is expected (``no_challenge=True``).

Every check runs in one :class:`~vcid.environment.VerificationEnvironment`
(resolver, contexts, suites, clock skew, clock), which the status checker
and receipt checks receive too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from vcid._json import JsonValue
from vcid.accreditation import TrustQuery
from vcid.canon.jcs import canonicalize as jcs_canonicalize
from vcid.environment import (
    DEFAULT_CLOCK_SKEW,
    Resolver,
    VerificationEnvironment,
    default_environment,
)
from vcid.errors import (
    ChallengeMismatch,
    ChallengeRequired,
    DataModelError,
    DocumentLoadError,
    Expired,
    InvalidProof,
    JSONLDError,
    NotYetValid,
    StatusUnchecked,
    UndefinedTermError,
    UnsupportedError,
    UntrustedIssuer,
    UsageError,
    VcidError,
)
from vcid.jsonld import bundled_context_bytes
from vcid.ledger import SignedCheckpoint, check_receipt
from vcid.ledger.history import check_retired_keys
from vcid.ledger.receipt import AnchorReader, Receipt
from vcid.model import (
    Credential,
    check_related_digests,
    parse_datetime,
    validate_credential,
    validate_presentation,
)
from vcid.proofs import AssertionPurpose, AuthenticationPurpose
from vcid.report import (
    Check,
    CredentialResult,
    CredentialView,
    Outcome,
    PresentationResult,
    VerificationReport,
)
from vcid.schema import validate_credential_schemas

#: Codes that mean a JSON-LD context problem found while canonicalizing.
_CONTEXT_CODES = frozenset({UndefinedTermError.code, JSONLDError.code, DocumentLoadError.code})
#: An ISO 3166-2 subdivision code.
_SUBDIVISION = re.compile(r"[A-Z]{2}-[A-Z0-9]{1,3}")
#: The most credentials one presentation may carry.
MAX_PRESENTED_CREDENTIALS = 64


class StatusChecker(Protocol):
    """Checks a credential's ``credentialStatus`` entries (revocation and so on).

    Returns one or more checks named ``status`` or ``status[i]...``: failed
    for revoked or suspended, ``alert`` for a flag a person must see (a
    missing-child alert), indeterminate when a list cannot be had or is
    stale. Status lists are verified in ``environment``, the verifier's
    own. It must not raise for a bad credential or list.
    """

    def check_status(
        self,
        credential: Credential,
        *,
        now: datetime,
        environment: VerificationEnvironment,
    ) -> tuple[Check, ...]: ...


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
    :param retired_keys: a proof made with a key the issuer has since
        rotated out of its DID (did:webvh history) passes
        ``ledger.retired_key`` only with a receipt whose checkpoint predates
        the rotation: the defence against back-dating with a retired key.
    """

    required: bool = False
    trusted_checkpoints: tuple[SignedCheckpoint, ...] = ()
    consistency: Callable[[int, int], Sequence[bytes]] | None = None
    anchor_reader: AnchorReader | None = None
    retired_keys: bool = False


class CredentialVerifier:
    """Verifies credentials and presentations in one fixed environment.

    Build one and keep it: the environment's caches (processed contexts,
    resolved did:key documents) and the status checker's lists are reused
    by every call.

    :param environment: the resolver, contexts, suites, clock skew and
        clock; defaults to the offline default (did:key and did:jwk, the
        bundled contexts, every supported suite, five minutes of skew).
    :param status_checker: checks ``credentialStatus`` entries; without one,
        a credential that has a status entry is never ``valid`` (its
        status check is indeterminate).
    :param receipts: how log receipts are checked when presented (and
        whether one is required); by default they are checked when given.
    :raises UsageError: for arguments of the wrong type.
    """

    def __init__(
        self,
        *,
        environment: VerificationEnvironment | None = None,
        status_checker: StatusChecker | None = None,
        receipts: ReceiptPolicy | None = None,
    ) -> None:
        if environment is not None and not isinstance(environment, VerificationEnvironment):
            raise UsageError("environment must be a VerificationEnvironment")
        if receipts is not None and not isinstance(receipts, ReceiptPolicy):
            raise UsageError("receipts must be a ReceiptPolicy")
        self._env = environment if environment is not None else default_environment()
        self._status = status_checker
        self._receipts = receipts if receipts is not None else ReceiptPolicy()

    @property
    def environment(self) -> VerificationEnvironment:
        """The environment every check of this verifier runs in."""
        return self._env

    def verify_credential(
        self,
        credential: Mapping[str, JsonValue],
        *,
        now: datetime | None = None,
        receipt: Mapping[str, object] | None = None,
    ) -> VerificationReport:
        """Verify one credential.

        :param credential: the secured credential as parsed JSON.
        :param now: the verification time (aware); defaults to the
            environment's clock.
        :param receipt: the credential's transparency-log receipt, if one was
            presented (``VcidLogReceipt/v1`` JSON).
        :raises UsageError: for a naive ``now`` or a non-object credential.
        """
        moment = self._env.moment(now)
        if not isinstance(credential, Mapping):
            raise UsageError("credential must be a JSON object")
        return VerificationReport.for_credential(
            self._credential_result(None, credential, moment, receipt)
        )

    def verify_presentation(
        self,
        presentation: Mapping[str, JsonValue],
        *,
        challenge: str | None = None,
        domain: str | None = None,
        no_challenge: bool = False,
        now: datetime | None = None,
        receipts: Mapping[str, Mapping[str, object]] | None = None,
    ) -> VerificationReport:
        """Verify a presentation's own proof, then every credential in it.

        :param presentation: the signed presentation as parsed JSON.
        :param challenge: the single-use challenge the verifier issued; the
            proof must carry exactly it. Without one (and without
            ``no_challenge``) the presentation is not valid: it could be a
            replay.
        :param domain: the verifier's domain, required in the proof if given.
        :param no_challenge: the caller expects no challenge and takes care
            of replay itself; a proof that carries a challenge is then not
            valid either (the verifier did not issue it).
        :param now: the verification time (aware); defaults to the
            environment's clock.
        :param receipts: transparency-log receipts presented with the
            credentials, keyed by credential ``id``.
        :raises UsageError: for misuse (naive ``now``, non-object input, a
            challenge together with ``no_challenge``).
        """
        moment = self._env.moment(now)
        if not isinstance(presentation, Mapping):
            raise UsageError("presentation must be a JSON object")
        if no_challenge and challenge is not None:
            raise UsageError("pass either challenge or no_challenge=True, not both")
        if challenge is not None and (not isinstance(challenge, str) or not challenge):
            raise UsageError("challenge must be a non-empty string")
        checks: list[Check] = []
        holder: str | None = None
        try:
            view = validate_presentation(presentation)
            holder = view.holder_id
            checks.append(Check.passed("data_model"))
            if view.enveloped:
                checks.append(
                    Check(
                        "enveloped",
                        Outcome.INDETERMINATE,
                        UnsupportedError.code,
                        "enveloped credentials are not supported",
                    )
                )
        except DataModelError as exc:
            checks.append(Check.from_error("data_model", exc))
            raw_holder = presentation.get("holder")
            holder = raw_holder if isinstance(raw_holder, str) else None
        purpose = AuthenticationPurpose(
            challenge=challenge, domain=domain, expected_controller=holder
        )
        proof_checks = self._env.verify_proofs(presentation, purpose=purpose, now=moment)
        checks.extend(proof_checks)
        checks.append(_challenge_check(presentation, challenge, no_challenge=no_challenge))
        checks.append(_context_check("context", proof_checks))
        held = receipts or {}
        embedded = _embedded_credentials(presentation)
        linked = _linkable(embedded)
        results = []
        for index, item in enumerate(embedded):
            credential_id = item.get("id")
            receipt = held.get(credential_id) if isinstance(credential_id, str) else None
            results.append(self._credential_result(index, item, moment, receipt, linked))
        own = PresentationResult(
            holder=holder,
            verification_methods=_signing_methods(presentation, proof_checks),
            checks=tuple(checks),
        )
        return VerificationReport.for_presentation(own, results)

    def verify(
        self,
        document: Mapping[str, JsonValue],
        *,
        challenge: str | None = None,
        domain: str | None = None,
        no_challenge: bool = False,
        now: datetime | None = None,
    ) -> VerificationReport:
        """Verify a credential or a presentation, whichever ``document`` is.

        ``challenge``, ``domain`` and ``no_challenge`` apply to a
        presentation (see :meth:`verify_presentation`).
        """
        if isinstance(document, Mapping) and _is_presentation(document):
            return self.verify_presentation(
                document, challenge=challenge, domain=domain, no_challenge=no_challenge, now=now
            )
        return self.verify_credential(document, now=now)

    # --- steps ------------------------------------------------------------

    def _credential_result(
        self,
        index: int | None,
        credential: Mapping[str, JsonValue],
        now: datetime,
        receipt: Mapping[str, object] | None = None,
        linked: Mapping[str, Mapping[str, JsonValue]] | None = None,
    ) -> CredentialResult:
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
        proof_checks = self._env.verify_proofs(
            credential, purpose=AssertionPurpose(expected_controller=issuer), now=now
        )
        checks.extend(proof_checks)
        checks.append(_context_check("context", proof_checks, credential, self._env))
        if view is not None:
            checks.append(self._trust(view, now))
            checks.append(self._validity(view, now))
            checks.append(_related_resources(view, linked or {}))
            checks.extend(self._status_checks(view, now))
            checks.extend(self._receipt_checks(credential, view, receipt, now))
        return CredentialResult(index=index, view=_view(view), checks=tuple(checks))

    def _receipt_checks(
        self,
        credential: Mapping[str, JsonValue],
        view: Credential,
        receipt: Mapping[str, object] | None,
        now: datetime,
    ) -> tuple[Check, ...]:
        policy = self._receipts
        retired: tuple[Check, ...] = ()
        if policy.retired_keys:
            retired = (self._retired_key_check(credential, receipt, now),)
        if receipt is None:
            if policy.required:
                missing = InvalidProof("a transparency-log receipt is required but none was given")
                return (Check.from_error("ledger.receipt", missing), *retired)
            return retired
        return *check_receipt(
            credential,
            receipt,
            environment=self._env,
            issuer=view.issuer_id,
            trusted_checkpoints=policy.trusted_checkpoints,
            consistency=policy.consistency,
            anchor_reader=policy.anchor_reader,
            now=now,
        ), *retired

    def _retired_key_check(
        self,
        credential: Mapping[str, JsonValue],
        receipt: Mapping[str, object] | None,
        now: datetime,
    ) -> Check:
        parsed: Receipt | None = None
        if receipt is not None:
            try:
                parsed = Receipt.from_json(receipt)
            except VcidError:
                parsed = None  # ledger.receipt reports why
        return check_retired_keys(credential, parsed, resolver=self._env.resolver)

    def _status_checks(self, view: Credential, now: datetime) -> tuple[Check, ...]:
        if not view.status_entries:
            return (Check.skipped("status", "the credential has no status entry"),)
        if self._status is None:
            error = StatusUnchecked(
                "the credential has a status entry but no status checker is configured"
            )
            return (Check.from_error("status", error),)
        return self._status.check_status(view, now=now, environment=self._env)

    def _trust(self, view: Credential, now: datetime) -> Check:
        """``trust``: the environment's trust registry accredits the issuer for
        each of the credential's types (but ``VerifiableCredential``) in its
        jurisdiction at its issuance time (:func:`issuance_time`)."""
        registry = self._env.trust
        if registry is None:
            return Check.skipped("trust", "no trust registry is configured")
        types = [t for t in view.types if t != "VerifiableCredential"] or list(view.types)
        time = issuance_time(view, now)
        jurisdiction = credential_jurisdiction(view)
        chains = []
        for credential_type in types:
            try:
                query = TrustQuery(
                    entity=view.issuer_id,
                    credential_type=credential_type,
                    jurisdiction=jurisdiction,
                    time=time,
                )
            except UsageError as exc:
                return Check.from_error("trust", UntrustedIssuer(f"cannot ask: {exc}"))
            answer = registry.query(query, now=now, environment=self._env)
            error = answer.error()
            if error is not None:
                return Check.from_error("trust", error)
            chains.append(f"{credential_type} by {answer.describe_chain() or answer.detail}")
        return Check.passed("trust", "accredited: " + "; ".join(chains))

    def _validity(self, view: Credential, now: datetime) -> Check:
        skew = self._env.max_clock_skew
        try:
            if view.valid_from is not None and now + skew < view.valid_from:
                raise NotYetValid("the credential is not valid yet (validFrom)")
            if view.valid_until is not None and now - skew > view.valid_until:
                raise Expired("the credential has expired (validUntil)")
        except VcidError as exc:
            return Check.from_error("validity", exc)
        return Check.passed("validity")


def _view(view: Credential | None) -> CredentialView | None:
    if view is None:
        return None
    return CredentialView(
        id=view.id,
        types=view.types,
        issuer=view.issuer_id,
        subject_ids=view.subject_ids,
        valid_from=view.valid_from,
        valid_until=view.valid_until,
        version=view.version,
    )


def _raw_proofs(document: Mapping[str, JsonValue]) -> list[JsonValue]:
    raw = document.get("proof")
    return [raw] if isinstance(raw, dict) else raw if isinstance(raw, list) else []


def _challenge_check(
    presentation: Mapping[str, JsonValue], challenge: str | None, *, no_challenge: bool
) -> Check:
    """``challenge``: whether the proof is bound to a challenge this verifier issued.

    With a challenge, each proof's ``.challenge`` check compares it; this
    check then only records that replay is ruled out. Without one, the
    presentation fails unless the caller opted out, and with the opt-out a
    proof that carries a challenge anyway fails (the verifier did not
    issue it, so it cannot be one it remembers).
    """
    name = "challenge"
    if challenge is not None:
        return Check.passed(name, "the proof must carry the challenge the verifier issued")
    if not no_challenge:
        error = ChallengeRequired(
            "no expected challenge was given: a replayed presentation cannot be ruled out"
        )
        return Check.from_error(name, error)
    for proof in _raw_proofs(presentation):
        if isinstance(proof, dict) and proof.get("challenge") is not None:
            unexpected = ChallengeMismatch(
                "the proof carries a challenge the verifier did not issue"
            )
            return Check.from_error(name, unexpected)
    return Check.skipped(name, "no challenge was expected: replay is the caller's to rule out")


def _signing_methods(
    presentation: Mapping[str, JsonValue], proof_checks: Sequence[Check]
) -> tuple[str, ...]:
    """The verification methods of the proofs whose signatures verified."""
    verified = {check.name for check in proof_checks if check.outcome is Outcome.PASSED}
    methods: list[str] = []
    for index, proof in enumerate(_raw_proofs(presentation)):
        if f"proof[{index}].signature" not in verified or not isinstance(proof, dict):
            continue
        method = proof.get("verificationMethod")
        if isinstance(method, str):
            methods.append(method)
    return tuple(methods)


def issuance_time(view: Credential, now: datetime) -> datetime:
    """The time ``t`` a trust registry is asked about: when the credential was
    issued. Its ``validFrom``; else the ``created`` of its issuer's first
    proof that states one; else ``now`` (nothing says otherwise)."""
    if view.valid_from is not None:
        return view.valid_from
    raw = view.raw.get("proof")
    proofs = [raw] if isinstance(raw, Mapping) else raw if isinstance(raw, (list, tuple)) else []
    for proof in proofs:
        if not isinstance(proof, Mapping):
            continue
        method = proof.get("verificationMethod")
        created = proof.get("created")
        if (
            isinstance(method, str)
            and method.split("#", 1)[0] == view.issuer_id
            and isinstance(created, str)
        ):
            try:
                return parse_datetime(created)
            except VcidError:
                continue
    return now


def credential_jurisdiction(view: Credential) -> str | None:
    """The jurisdiction a credential speaks for, or None where it states none.

    A ``BirthCredential``: the ``addressCountry`` of its subject's
    ``birthPlace`` (a birth is registered where it happened), or its
    ``addressRegion`` where that is an ISO 3166-2 code of that country
    (``ZA-WC``). Other types
    state none yet, so any jurisdiction the issuer is accredited for will do.
    """
    if "BirthCredential" not in view.types:
        return None
    subject = view.raw.get("credentialSubject")
    place = subject.get("birthPlace") if isinstance(subject, Mapping) else None
    if not isinstance(place, Mapping):
        return None
    country = place.get("addressCountry")
    region = place.get("addressRegion")
    if not isinstance(country, str):
        return None
    if isinstance(region, str) and _SUBDIVISION.fullmatch(region) and region.startswith(country):
        return region  # an ISO 3166-2 code (ZA-WC): the registrar's province
    return country


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
    environment: VerificationEnvironment | None = None,
) -> Check:
    """Whether every term and context of the document is defined.

    RDFC proofs already expand the document in safe mode while verifying, so
    their outcome is reused; a document with only JCS proofs is expanded
    here once, so that undefined terms are caught for every suite.
    """
    for check in proof_checks:
        if check.code in _CONTEXT_CODES:
            return Check(name, check.outcome, check.code, check.detail)
    if document is None or environment is None or _has_rdfc_proof(document):
        return Check.passed(name, "checked while canonicalizing")
    try:
        environment.jsonld.check({k: v for k, v in document.items() if k != "proof"})
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


def _related_resources(view: Credential, linked: Mapping[str, Mapping[str, JsonValue]]) -> Check:
    """Check ``relatedResource`` digests of the resources held offline.

    vcid holds its bundled contexts byte for byte, and in a presentation the
    other credentials presented with this one as their RFC 8785 (JCS) form,
    the form vcid's builders digest (so a guardianship credential's link to
    the birth credential is checked); a digest that does not match fails.
    Resources vcid does not hold are not fetched (the verifier stays
    offline) and are reported as unchecked.
    """
    name = "related_resource"

    def held(resource_id: str) -> bytes | None:
        data = bundled_context_bytes(resource_id)
        if data is not None:
            return data
        credential = linked.get(resource_id)
        return None if credential is None else jcs_canonicalize(credential)

    try:
        digests = check_related_digests(view, held)
    except VcidError as exc:
        return Check.from_error(name, exc)
    if digests.total == 0:
        return Check.skipped(name, "no relatedResource")
    if digests.checked == 0:
        return Check.skipped(name, "no related resource is held offline")
    unheld = digests.total - digests.checked
    detail = f"{digests.checked} digest{'s' if digests.checked > 1 else ''} match"
    return Check.passed(name, detail + (f"; {unheld} not held offline" if unheld else ""))


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
    no_challenge: bool = False,
    now: datetime | None = None,
    verifier: CredentialVerifier | None = None,
) -> VerificationReport:
    """Verify a credential or presentation with the offline defaults.

    :param document: the credential or presentation as parsed JSON.
    :param challenge: for a presentation, the challenge the verifier issued
        (required unless ``no_challenge``: see
        :meth:`CredentialVerifier.verify_presentation`).
    :param domain: for a presentation, the verifier's domain.
    :param no_challenge: for a presentation, expect no challenge.
    :param now: the verification time (aware); defaults to the clock.
    :param verifier: a configured :class:`CredentialVerifier`; defaults to
        one with bundled contexts and did:key/did:jwk resolution.
    """
    chosen = verifier if verifier is not None else _default_verifier()
    return chosen.verify(
        document, challenge=challenge, domain=domain, no_challenge=no_challenge, now=now
    )


__all__ = [
    "DEFAULT_CLOCK_SKEW",
    "CredentialVerifier",
    "ReceiptPolicy",
    "Resolver",
    "StatusChecker",
    "VerificationEnvironment",
    "credential_jurisdiction",
    "issuance_time",
    "verify",
]
