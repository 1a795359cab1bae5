"""Proof purposes: why a proof was made, and what a verifier then checks.

A purpose names the ``proofPurpose`` term a proof must carry and the DID
document verification relationship its key must be listed under (VC Data
Integrity 1.0 §2.2, "Proof Purposes"; DID Core §5.3). On top of that it
adds its own rules, after Digital Bazaar's ``ControllerProofPurpose``:

* :class:`AssertionPurpose`: for credentials; when an issuer is given, at
  least one proof must be by it.
* :class:`AuthenticationPurpose`: for presentations; the verifier's
  challenge and domain must be in every proof (DI §4.4 steps 6-7), and
  when a holder is given, at least one proof must be by it.

Every proof of a set or chain must verify against its own controller's DID
document (its key listed there under the purpose's relationship), so a
notary's or witness's proof may sit beside the issuer's: the data model
asks only that the issuer secures the credential. The engine reports the
expected party in one document-level check, ``proof.<role>`` (see
:attr:`ProofPurpose.controller_role`).
"""

from __future__ import annotations

import hmac
from dataclasses import KW_ONLY, dataclass
from typing import ClassVar

from vcid.errors import (
    ChallengeMismatch,
    ControllerMismatch,
    DomainMismatch,
    UsageError,
)
from vcid.proofs.options import MAX_OPTION_ITEMS


@dataclass(frozen=True, slots=True)
class ProofPurpose:
    """A proof purpose: its ``proofPurpose`` term and verification relationship.

    Use :class:`AssertionPurpose` or :class:`AuthenticationPurpose` for the
    common cases; build this class directly for others (for example
    ``ProofPurpose("capabilityInvocation", "capabilityInvocation")``).

    :param expected_controller: when given, at least one proof must be made
        with a verification method this DID controls; the other proofs need
        only be valid on their own.
    """

    #: Who ``expected_controller`` is; names the engine's document-level
    #: check ``proof.<controller_role>`` (``proof.issuer``, ``proof.holder``).
    controller_role: ClassVar[str] = "controller"

    term: str
    relationship: str
    _: KW_ONLY
    expected_controller: str | None = None
    challenge: str | None = None
    domain: str | tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        for name in ("term", "relationship"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value:
                raise UsageError(f"{name} must be a non-empty string")
        for name in ("expected_controller", "challenge"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, str) or not value):
                raise UsageError(f"{name} must be a non-empty string or None")
        if self.domain is not None:
            domains = (self.domain,) if isinstance(self.domain, str) else self.domain
            if (
                not isinstance(domains, tuple)
                or not 0 < len(domains) <= MAX_OPTION_ITEMS
                or not all(isinstance(d, str) and d for d in domains)
            ):
                raise UsageError("domain must be a string or a tuple of strings")

    def check_controller(self, controller: str) -> None:
        """Require the verification method's controller to be the expected one.

        :param controller: the controller (a DID) of the verification method.
        :raises ControllerMismatch: if an expected controller was given and
            ``controller`` is not it.
        """
        if self.expected_controller is not None and controller != self.expected_controller:
            raise ControllerMismatch(
                "the verification method is not controlled by the expected party"
            )

    def check_challenge(self, proof_challenge: object) -> None:
        """Require the proof's ``challenge`` to equal the expected one.

        Compared in constant time. Does nothing when no challenge is expected.

        :param proof_challenge: the proof's ``challenge`` value, or ``None``.
        :raises ChallengeMismatch: if it is missing or different.
        """
        if self.challenge is None:
            return
        if not isinstance(proof_challenge, str):
            raise ChallengeMismatch("the proof has no challenge")
        if not hmac.compare_digest(proof_challenge.encode("utf-8"), self.challenge.encode("utf-8")):
            raise ChallengeMismatch("the proof's challenge is not the expected one")

    def check_domain(self, proof_domain: object) -> None:
        """Require the proof's ``domain`` to contain every expected domain.

        The proof's ``domain`` may be a string or a list of strings (DI
        §2.1). Does nothing when no domain is expected.

        :param proof_domain: the proof's ``domain`` value, or ``None``.
        :raises DomainMismatch: if it is missing or lacks an expected domain.
        """
        if self.domain is None:
            return
        if isinstance(proof_domain, str):
            present = {proof_domain}
        elif isinstance(proof_domain, list) and all(isinstance(d, str) for d in proof_domain):
            present = set(proof_domain)
        else:
            raise DomainMismatch("the proof has no domain")
        expected = {self.domain} if isinstance(self.domain, str) else set(self.domain)
        if not expected <= present:
            raise DomainMismatch("the proof's domain is not the expected one")


@dataclass(frozen=True, slots=True, init=False)
class AssertionPurpose(ProofPurpose):
    """``assertionMethod``: the purpose of a credential's proof.

    :param expected_controller: the credential's issuer id; when given, at
        least one proof must be by the issuer (check ``proof.issuer``).
        Other proofs, a notary's or a witness's, need only verify against
        their own controller's DID document.
    """

    controller_role: ClassVar[str] = "issuer"

    def __init__(self, expected_controller: str | None = None) -> None:
        ProofPurpose.__init__(
            self,
            "assertionMethod",
            "assertionMethod",
            expected_controller=expected_controller,
        )


@dataclass(frozen=True, slots=True, init=False)
class AuthenticationPurpose(ProofPurpose):
    """``authentication``: the purpose of a presentation's proof.

    :param challenge: the verifier's challenge; when given the proof must
        carry exactly this ``challenge``.
    :param domain: the verifier's domain(s); when given the proof's
        ``domain`` must contain them.
    :param expected_controller: the holder; when given, at least one
        proof must be by the holder (check ``proof.holder``). Other proofs
        must also carry the challenge and domain.
    """

    controller_role: ClassVar[str] = "holder"

    def __init__(
        self,
        challenge: str | None = None,
        *,
        domain: str | tuple[str, ...] | None = None,
        expected_controller: str | None = None,
    ) -> None:
        ProofPurpose.__init__(
            self,
            "authentication",
            "authentication",
            expected_controller=expected_controller,
            challenge=challenge,
            domain=domain,
        )


__all__ = ["AssertionPurpose", "AuthenticationPurpose", "ProofPurpose"]
