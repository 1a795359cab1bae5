"""The border post: presentation requests with single-use challenges.

:class:`ChallengeStore` issues a fresh challenge for each crossing and
accepts it once (remembered in SQLite across restarts);
:func:`verify_response` verifies a holder's presentation against it, and
:func:`bind` checks that the adult presenting is someone the child's
credentials name (a parent, a guardian, a consent's companion);
:func:`decide` turns the report into ADMIT, REFER or DENY.
"""

from __future__ import annotations

from vcid.border.binding import bind, check_binding
from vcid.border.challenges import (
    DEFAULT_CHALLENGE_TTL,
    MAX_CHALLENGE_TTL,
    ChallengeStore,
    PresentationRequest,
)
from vcid.border.decision import Decision, Ruling, decide
from vcid.border.presentations import REQUEST_CHECK, presented_challenge, verify_response

__all__ = [
    "DEFAULT_CHALLENGE_TTL",
    "MAX_CHALLENGE_TTL",
    "REQUEST_CHECK",
    "ChallengeStore",
    "Decision",
    "PresentationRequest",
    "Ruling",
    "bind",
    "check_binding",
    "decide",
    "presented_challenge",
    "verify_response",
]
