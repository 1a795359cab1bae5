"""Verify a holder's answer to a presentation request, accepting its challenge once.

:func:`verify_response` reads the challenge from the presentation's proof,
redeems it in the post's :class:`~vcid.border.challenges.ChallengeStore`
(unknown, expired, already used or for another domain: the ``request``
check fails), and verifies the presentation with that challenge and the
post's domain. The challenge is used up whatever the outcome, so a second
submission of the same presentation is a replay even if the first failed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from vcid._json import JsonValue
from vcid.border.challenges import ChallengeStore
from vcid.errors import ChallengeMismatch, UsageError, VcidError
from vcid.model import format_datetime
from vcid.report import Check, PresentationResult, VerificationReport
from vcid.verifier import CredentialVerifier

#: The name of the check that the challenge was this post's, once.
REQUEST_CHECK = "request"


def presented_challenge(presentation: Mapping[str, JsonValue]) -> str | None:
    """The ``challenge`` of the presentation's first proof that has one."""
    raw = presentation.get("proof")
    proofs = [raw] if isinstance(raw, dict) else raw if isinstance(raw, list) else []
    for proof in proofs:
        if isinstance(proof, dict):
            challenge = proof.get("challenge")
            if isinstance(challenge, str):
                return challenge
    return None


def verify_response(
    presentation: Mapping[str, JsonValue],
    *,
    store: ChallengeStore,
    domain: str,
    verifier: CredentialVerifier,
    now: datetime | None = None,
    receipts: Mapping[str, Mapping[str, object]] | None = None,
) -> VerificationReport:
    """Redeem the presentation's challenge in ``store``, then verify it.

    The report is the verifier's, with ``presentation.request`` first: passed
    when the challenge was issued by this post for ``domain``, unexpired and
    unused; failed otherwise (``CHALLENGE_UNKNOWN``, ``CHALLENGE_EXPIRED``,
    ``CHALLENGE_REPLAYED``, ``DOMAIN_MISMATCH``), or indeterminate if the
    store cannot be used. Never raises for a bad presentation.

    :raises UsageError: for misuse (a non-object presentation, a bad domain,
        a naive ``now``).
    """
    if not isinstance(presentation, Mapping):
        raise UsageError("presentation must be a JSON object")
    if not isinstance(store, ChallengeStore) or not isinstance(verifier, CredentialVerifier):
        raise UsageError("store must be a ChallengeStore and verifier a CredentialVerifier")
    moment = verifier.environment.moment(now)
    challenge = presented_challenge(presentation)
    request: Check
    if challenge is None:
        request = Check.from_error(
            REQUEST_CHECK, ChallengeMismatch("the presentation's proof has no challenge")
        )
    else:
        try:
            issued = store.redeem(challenge, domain=domain, now=moment)
        except UsageError:
            raise
        except VcidError as exc:
            request = Check.from_error(REQUEST_CHECK, exc)
        else:
            request = Check.passed(
                REQUEST_CHECK, f"challenge issued by this post at {format_datetime(issued)}; used"
            )
    report = verifier.verify_presentation(
        presentation,
        challenge=challenge,
        domain=domain,
        no_challenge=challenge is None,
        now=moment,
        receipts=receipts,
    )
    own = report.presentation
    if own is None:  # pragma: no cover - verify_presentation always reports it
        return report
    with_request = PresentationResult(
        holder=own.holder,
        verification_methods=own.verification_methods,
        checks=(request, *own.checks),
    )
    return VerificationReport.for_presentation(with_request, report.credentials)


__all__ = ["REQUEST_CHECK", "presented_challenge", "verify_response"]
