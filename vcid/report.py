"""Verification outcomes: one :class:`Check` per step, folded into a report.

Lower layers raise exceptions from :mod:`vcid.errors`; the verifier turns
each into a :class:`Check` with a stable code and a human reason. A report
never carries personal data from the credential: details name fields and
rules, never their values.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NoReturn

from vcid._json import JsonObject, JsonValue
from vcid.errors import OK, SKIPPED, IndeterminateError, InvalidError, VcidError


class Outcome(enum.Enum):
    """The result of one check."""

    PASSED = "passed"
    FAILED = "failed"
    INDETERMINATE = "indeterminate"
    SKIPPED = "skipped"
    #: Genuine and current, but flagged for a person to look at (for
    #: example a missing-child alert on the credential's status).
    ALERT = "alert"


class Verdict(enum.Enum):
    """The overall answer: valid, invalid, or no decision reached."""

    VALID = "valid"
    INVALID = "invalid"
    INDETERMINATE = "indeterminate"
    #: Every check passed, but at least one raised an alert: refer to a person.
    ALERT = "alert"


@dataclass(frozen=True, slots=True)
class Check:
    """One verification step: its name, outcome, stable code and reason.

    ``name`` is dotted and stable (``proof[0].signature``); ``code`` is
    one of :data:`vcid.errors.CHECK_CODES`: ``"OK"`` for a passed check,
    ``"SKIPPED"`` for a skipped one, otherwise an alert code or the
    :attr:`VcidError.code` of the failure.
    """

    name: str
    outcome: Outcome
    code: str = OK
    detail: str = ""

    @classmethod
    def passed(cls, name: str, detail: str = "") -> Check:
        return cls(name, Outcome.PASSED, OK, detail)

    @classmethod
    def skipped(cls, name: str, detail: str = "") -> Check:
        return cls(name, Outcome.SKIPPED, SKIPPED, detail)

    @classmethod
    def from_error(cls, name: str, error: VcidError) -> Check:
        """The check that ``error`` stands for (failed or indeterminate)."""
        outcome = Outcome.INDETERMINATE if isinstance(error, IndeterminateError) else Outcome.FAILED
        return cls(name, outcome, error.code, str(error))

    def to_json(self) -> JsonObject:
        return {
            "name": self.name,
            "outcome": self.outcome.value,
            "code": self.code,
            "detail": self.detail,
        }


_MARKS = {
    Outcome.PASSED: "ok  ",
    Outcome.FAILED: "FAIL",
    Outcome.INDETERMINATE: "??  ",
    Outcome.SKIPPED: "--  ",
    Outcome.ALERT: "WARN",
}


def fold(checks: Iterable[Check]) -> Verdict:
    """Fold outcomes: failed > indeterminate > alert > valid."""
    outcomes = {check.outcome for check in checks}
    if Outcome.FAILED in outcomes:
        return Verdict.INVALID
    if Outcome.INDETERMINATE in outcomes:
        return Verdict.INDETERMINATE
    if Outcome.ALERT in outcomes:
        return Verdict.ALERT
    return Verdict.VALID


@dataclass(frozen=True, slots=True)
class VerificationReport:
    """What a verification found: the verdict and every check behind it."""

    kind: str  # "credential" or "presentation"
    checks: tuple[Check, ...]
    verdict: Verdict = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "verdict", fold(self.checks))

    @property
    def verified(self) -> bool:
        """True only when the verdict is VALID."""
        return self.verdict is Verdict.VALID

    def __bool__(self) -> NoReturn:
        raise TypeError(
            "a VerificationReport has no truth value: use report.verified or report.verdict"
        )

    def alerts(self) -> tuple[Check, ...]:
        """The checks that raised an alert."""
        return tuple(c for c in self.checks if c.outcome is Outcome.ALERT)

    def failures(self) -> tuple[Check, ...]:
        """The checks that failed or could not decide."""
        return tuple(c for c in self.checks if c.outcome in (Outcome.FAILED, Outcome.INDETERMINATE))

    def raise_for_verdict(self) -> None:
        """Raise the first failure unless the verdict is VALID or ALERT.

        :raises InvalidError: if the verdict is INVALID.
        :raises IndeterminateError: if the verdict is INDETERMINATE.
        """
        if self.verdict in (Verdict.VALID, Verdict.ALERT):
            return
        first = self.failures()[0]
        error_type = InvalidError if self.verdict is Verdict.INVALID else IndeterminateError
        raise error_type(f"{first.name}: {first.code}: {first.detail}")

    def to_text(self) -> str:
        """The report as lines for a terminal: verdict, then one line a check."""
        lines = [f"{self.verdict.value.upper()} {self.kind}"]
        width = max((len(check.name) for check in self.checks), default=0)
        for check in self.checks:
            reason = check.detail
            if check.outcome in (Outcome.FAILED, Outcome.INDETERMINATE, Outcome.ALERT):
                reason = f"{check.code}: {check.detail}"
            mark = _MARKS[check.outcome]
            lines.append(f"  {mark} {check.name.ljust(width)}  {reason}".rstrip())
        return "\n".join(lines) + "\n"

    def to_json(self) -> JsonObject:
        checks: list[JsonValue] = [check.to_json() for check in self.checks]
        return {
            "kind": self.kind,
            "verified": self.verified,
            "verdict": self.verdict.value,
            "checks": checks,
        }


__all__ = ["Check", "Outcome", "Verdict", "VerificationReport", "fold"]
