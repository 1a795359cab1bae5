"""The border's answer: ADMIT, REFER or DENY, with the checks behind it.

:func:`decide` folds a bound presentation's report into one
:class:`Decision` an officer can act on:

* any alert (a missing-child flag) gives **REFER**, whatever else was found:
  the child is referred to child protection, and the alert comes first;
* otherwise any failed check gives **DENY** (a forgery, a replay, an adult
  the credentials do not name);
* otherwise anything indeterminate (an unreachable status list, an
  accreditation that could not be checked) gives **REFER**, never ADMIT;
* only a report whose every check passed or did not apply gives **ADMIT**.

The per-jurisdiction rule sets (consent scope and freshness, age of
majority, the exceptions that replace consent) add their own checks to the
report before it is decided; the folding stays this one rule.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from vcid._json import JsonObject, JsonValue
from vcid.report import Check, Outcome, VerificationReport


class Ruling(enum.Enum):
    """What the border post does with the child and the adult."""

    ADMIT = "admit"
    REFER = "refer"
    DENY = "deny"


@dataclass(frozen=True, slots=True)
class Decision:
    """A ruling, the checks that decided it, and the whole report behind it."""

    ruling: Ruling
    reasons: tuple[Check, ...]
    report: VerificationReport

    def to_text(self) -> str:
        """The ruling and its reasons first, then every check."""
        lines = [f"{self.ruling.name}"]
        lines += [f"  because {c.name}: {c.code}: {c.detail}" for c in self.reasons]
        return "\n".join(lines) + "\n" + self.report.to_text()

    def to_json(self) -> JsonObject:
        reasons: list[JsonValue] = [check.to_json() for check in self.reasons]
        return {"ruling": self.ruling.value, "reasons": reasons, "report": self.report.to_json()}


def decide(report: VerificationReport) -> Decision:
    """Fold ``report`` into a :class:`Decision` (see the module docs for the rule)."""
    by_outcome: dict[Outcome, list[Check]] = {outcome: [] for outcome in Outcome}
    for check in report.checks:
        by_outcome[check.outcome].append(check)
    if by_outcome[Outcome.ALERT]:
        reasons = by_outcome[Outcome.ALERT] + by_outcome[Outcome.FAILED]
        return Decision(Ruling.REFER, tuple(reasons), report)
    if by_outcome[Outcome.FAILED]:
        return Decision(Ruling.DENY, tuple(by_outcome[Outcome.FAILED]), report)
    if by_outcome[Outcome.INDETERMINATE]:
        return Decision(Ruling.REFER, tuple(by_outcome[Outcome.INDETERMINATE]), report)
    return Decision(Ruling.ADMIT, (), report)


__all__ = ["Decision", "Ruling", "decide"]
