"""The environment a verification runs in: one frozen value for every checker.

A credential's proofs, a presentation's proof, the status lists it points
to and its transparency-log receipt are all checked against the same DID
resolver, JSON-LD processor, accepted cryptosuites, clock skew and clock.
:class:`VerificationEnvironment` holds them once; the verifier passes it to
the status checker and to receipt checks, so an option set for one (a
did:web resolver, an extra context, a narrower suite list) reaches all.
Build one and keep it: its resolver and JSON-LD processor hold the caches
(processed contexts, resolved did:key documents) that make repeated
verification fast.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol

from vcid._json import JsonValue
from vcid.accreditation import TrustAnswer, TrustQuery
from vcid.did import default_resolver
from vcid.did.document import DIDDocument, VerificationMethod
from vcid.errors import UsageError
from vcid.jsonld import JsonLdProcessor
from vcid.proofs import get_suite, verify_proofs
from vcid.proofs.engine import DEFAULT_CLOCK_SKEW
from vcid.proofs.purposes import ProofPurpose
from vcid.report import Check

#: A clock: returns the current time, timezone-aware.
Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The machine's clock, in UTC."""
    return datetime.now(UTC)


class Resolver(Protocol):
    """What verification needs from DID resolution (a ``ResolverRegistry``)."""

    def resolve_verification_method(
        self, vm_url: str, *, relationship: str
    ) -> VerificationMethod: ...

    def resolve_document(self, did: str) -> DIDDocument: ...


class TrustRegistry(Protocol):
    """Answers whether a DID may issue a credential type (issue 10).

    Implementations: :class:`vcid.trust.TrustListRegistry` (signed trust
    lists, offline) and :class:`vcid.trust.trqp.TRQPRegistry` (a ToIP TRQP
    v2 server, online). Whatever it must verify (list signatures, accreditation
    status) it verifies in ``environment``, the verifier's own. It must not
    raise for bad lists or unknown entities: it answers with a reason.
    """

    def query(
        self, query: TrustQuery, *, now: datetime, environment: VerificationEnvironment
    ) -> TrustAnswer: ...


def _default_resolver() -> Resolver:
    return default_resolver()


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class VerificationEnvironment:
    """Everything a verification depends on besides the document itself.

    :param resolver: resolves DIDs and verification methods; defaults to
        did:key and did:jwk, offline.
    :param jsonld: the JSON-LD processor; defaults to the bundled contexts
        only, in safe mode (a term no context defines is an error).
    :param allowed_suites: the cryptosuites accepted on credentials,
        presentations and status lists alike; ``None`` for all supported.
    :param max_clock_skew: the tolerance on validity periods, proof expiry,
        status list validity and log checkpoint times.
    :param clock: gives the verification time when a call passes no ``now``.
    :param trust: the trust registry that says which issuers may issue
        which credential types; without one, the ``trust`` check is skipped
        (a valid signature then proves who signed, not that they may).
    :raises UsageError: for an unknown suite, a negative skew or a bad type.
    """

    resolver: Resolver = field(default_factory=_default_resolver)
    jsonld: JsonLdProcessor = field(default_factory=JsonLdProcessor)
    allowed_suites: Collection[str] | None = None
    max_clock_skew: timedelta = DEFAULT_CLOCK_SKEW
    clock: Clock = system_clock
    trust: TrustRegistry | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.jsonld, JsonLdProcessor):
            raise UsageError("jsonld must be a JsonLdProcessor")
        for method in ("resolve_verification_method", "resolve_document"):
            if not callable(getattr(self.resolver, method, None)):
                raise UsageError(f"resolver must have a {method} method")
        if not isinstance(self.max_clock_skew, timedelta) or self.max_clock_skew < timedelta(0):
            raise UsageError("max_clock_skew must be a non-negative timedelta")
        if not callable(self.clock):
            raise UsageError("clock must be a callable returning an aware datetime")
        if self.trust is not None and not callable(getattr(self.trust, "query", None)):
            raise UsageError("trust must be a TrustRegistry (with a query method)")
        suites = self.allowed_suites
        if suites is not None:
            if isinstance(suites, str) or not isinstance(suites, Collection):
                raise UsageError("allowed_suites must be a collection of suite names")
            for name in suites:
                get_suite(name)  # raises UnsupportedError for an unknown name
            object.__setattr__(self, "allowed_suites", frozenset(suites))

    def __repr__(self) -> str:
        suites = "all" if self.allowed_suites is None else sorted(self.allowed_suites)
        return (
            f"VerificationEnvironment(resolver={type(self.resolver).__name__}, "
            f"allowed_suites={suites}, max_clock_skew={self.max_clock_skew}, "
            f"trust={type(self.trust).__name__ if self.trust is not None else None})"
        )

    def moment(self, now: datetime | None = None) -> datetime:
        """``now`` if given (it must be aware), else the environment's clock.

        :raises UsageError: for a naive ``now``, or a clock giving a naive time.
        """
        chosen = self.clock() if now is None else now
        if not isinstance(chosen, datetime) or chosen.utcoffset() is None:
            source = "the clock" if now is None else "now"
            raise UsageError(f"{source} must give a timezone-aware datetime")
        return chosen

    def verify_proofs(
        self,
        document: Mapping[str, JsonValue],
        *,
        purpose: ProofPurpose,
        now: datetime,
    ) -> tuple[Check, ...]:
        """Verify ``document``'s Data Integrity proofs in this environment.

        See :func:`vcid.proofs.verify_proofs` for the checks it returns.
        """
        return verify_proofs(
            document,
            resolver=self.resolver,
            jsonld=self.jsonld,
            purpose=purpose,
            allowed_suites=self.allowed_suites,
            now=now,
            max_clock_skew=self.max_clock_skew,
        )


_DEFAULT: VerificationEnvironment | None = None


def default_environment() -> VerificationEnvironment:
    """The shared offline default (did:key, did:jwk, bundled contexts, all suites)."""
    global _DEFAULT  # noqa: PLW0603 - one lazily built, immutable default
    if _DEFAULT is None:
        _DEFAULT = VerificationEnvironment()
    return _DEFAULT


__all__ = [
    "DEFAULT_CLOCK_SKEW",
    "Clock",
    "Resolver",
    "TrustRegistry",
    "VerificationEnvironment",
    "default_environment",
    "system_clock",
]
