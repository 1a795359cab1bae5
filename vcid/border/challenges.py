"""Single-use presentation challenges, remembered in an SQLite file.

A border post asks for a presentation with a fresh challenge and its domain
(:meth:`ChallengeStore.issue`); the answer is accepted once, before the
challenge expires (:meth:`ChallengeStore.redeem`). The store survives a
restart, so a presentation copied at one crossing cannot be replayed at the
same post later, and the post's own domain in the proof stops it being
replayed at another.

Only a SHA-256 digest of each challenge is stored: whoever reads the file
learns which challenges were issued and when, never a value that could be
presented. Redeeming is one conditional ``UPDATE`` in SQLite, so two
processes sharing the file cannot both accept the same challenge.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Final, Self

from vcid._json import JsonObject
from vcid.environment import Clock, system_clock
from vcid.errors import (
    ChallengeExpired,
    ChallengeReplayed,
    ChallengeStoreUnavailable,
    ChallengeUnknown,
    DomainMismatch,
    UsageError,
)
from vcid.model import format_datetime

#: How long a challenge is good for when the post names no other time.
DEFAULT_CHALLENGE_TTL: Final = timedelta(minutes=5)
#: The longest a challenge may be good for.
MAX_CHALLENGE_TTL: Final = timedelta(hours=24)
#: Random bytes in a challenge (base64url, so 43 characters).
CHALLENGE_BYTES: Final = 32
#: The longest challenge ``redeem`` looks up (longer ones are never ours).
MAX_CHALLENGE_LENGTH: Final = 256
#: The longest accepted domain.
MAX_DOMAIN_LENGTH: Final = 512

_SCHEMA = """
CREATE TABLE IF NOT EXISTS challenges (
    digest BLOB PRIMARY KEY,
    domain TEXT NOT NULL,
    issued_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS challenges_expiry ON challenges (expires_at);
"""


@dataclass(frozen=True, slots=True, kw_only=True)
class PresentationRequest:
    """What the post asks a holder to sign: a challenge, its domain, its expiry.

    ``challenge`` is a secret until it is used: it is left out of ``repr``.
    """

    challenge: str
    domain: str
    expires: datetime

    def __repr__(self) -> str:
        return f"PresentationRequest(domain={self.domain!r}, expires={self.expires.isoformat()})"

    def to_json(self) -> JsonObject:
        """The request as the holder receives it."""
        return {
            "challenge": self.challenge,
            "domain": self.domain,
            "expires": format_datetime(self.expires),
        }


def _digest(challenge: str) -> bytes:
    return hashlib.sha256(challenge.encode("utf-8")).digest()


def _seconds(moment: datetime) -> int:
    return int(moment.timestamp())


def _check_domain(domain: object) -> str:
    if not isinstance(domain, str) or not domain or len(domain) > MAX_DOMAIN_LENGTH:
        raise UsageError(f"domain must be a non-empty string of at most {MAX_DOMAIN_LENGTH}")
    return domain


def _create_private(path: Path) -> None:
    """Create ``path`` owner-only (0600) if it does not exist yet."""
    try:
        descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return
    os.close(descriptor)


class ChallengeStore:
    """Issues and redeems single-use challenges, kept in one SQLite file.

    :param path: the database file; created owner-only (0600) if missing
        (SQLite's side files take the same mode).
    :param clock: the time source when a call passes no ``now``.
    :param busy_timeout: seconds to wait for another process's write lock.
    :raises UsageError: for a bad option.
    :raises ChallengeStoreUnavailable: if the file cannot be opened as a store.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        clock: Clock = system_clock,
        busy_timeout: float = 10.0,
    ) -> None:
        if isinstance(busy_timeout, bool) or not isinstance(busy_timeout, int | float):
            raise UsageError("busy_timeout must be a number of seconds")
        if not callable(clock):
            raise UsageError("clock must be a callable returning an aware datetime")
        self._path = Path(path)
        self._clock = clock
        self._lock = threading.Lock()
        try:
            _create_private(self._path)
            self._db = sqlite3.connect(
                self._path, timeout=float(busy_timeout), isolation_level=None,
                check_same_thread=False,
            )  # fmt: skip
            self._db.executescript(_SCHEMA)
        except (sqlite3.Error, OSError) as exc:
            raise ChallengeStoreUnavailable(
                f"the challenge store cannot be opened ({type(exc).__name__})"
            ) from None

    def __repr__(self) -> str:
        return f"ChallengeStore({str(self._path)!r})"

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the file; the challenges stay in it."""
        self._db.close()

    def _now(self, now: datetime | None) -> datetime:
        moment = self._clock() if now is None else now
        if not isinstance(moment, datetime) or moment.utcoffset() is None:
            raise UsageError("now must be a timezone-aware datetime")
        return moment

    def _write(self, sql: str, parameters: tuple[object, ...]) -> int:
        with self._lock:
            try:
                return self._db.execute(sql, parameters).rowcount
            except sqlite3.Error as exc:
                raise ChallengeStoreUnavailable(
                    f"the challenge store cannot be written ({type(exc).__name__})"
                ) from None

    def issue(
        self,
        *,
        domain: str,
        ttl: timedelta = DEFAULT_CHALLENGE_TTL,
        now: datetime | None = None,
    ) -> PresentationRequest:
        """A new random challenge for ``domain``, good for ``ttl``.

        :raises UsageError: for an empty domain or a ttl outside (0, 24 h].
        :raises ChallengeStoreUnavailable: if the store cannot be written.
        """
        domain = _check_domain(domain)
        if not isinstance(ttl, timedelta) or not timedelta(0) < ttl <= MAX_CHALLENGE_TTL:
            raise UsageError("ttl must be a timedelta between 0 and 24 hours")
        issued = self._now(now).astimezone(UTC).replace(microsecond=0)
        expires = issued + ttl
        challenge = secrets.token_urlsafe(CHALLENGE_BYTES)
        self._write(
            "INSERT INTO challenges (digest, domain, issued_at, expires_at) VALUES (?, ?, ?, ?)",
            (_digest(challenge), domain, _seconds(issued), _seconds(expires)),
        )
        return PresentationRequest(challenge=challenge, domain=domain, expires=expires)

    def redeem(self, challenge: str, *, domain: str, now: datetime | None = None) -> datetime:
        """Accept ``challenge`` once, for ``domain``; returns when it was issued.

        The challenge is used up by this call whatever the presentation turns
        out to be: a second call with it fails, even after a restart.

        :raises ChallengeUnknown: if this store never issued it.
        :raises DomainMismatch: if it was issued for another domain.
        :raises ChallengeReplayed: if it was already redeemed.
        :raises ChallengeExpired: if its time is up.
        :raises ChallengeStoreUnavailable: if the store cannot be read or written.
        """
        domain = _check_domain(domain)
        moment = _seconds(self._now(now))
        if not isinstance(challenge, str) or not 0 < len(challenge) <= MAX_CHALLENGE_LENGTH:
            raise ChallengeUnknown("the presentation's challenge was not issued by this post")
        digest = _digest(challenge)
        changed = self._write(
            "UPDATE challenges SET used_at = ?"
            " WHERE digest = ? AND domain = ? AND used_at IS NULL AND expires_at >= ?",
            (moment, digest, domain, moment),
        )
        with self._lock:
            try:
                row = self._db.execute(
                    "SELECT domain, issued_at, expires_at, used_at FROM challenges"
                    " WHERE digest = ?",
                    (digest,),
                ).fetchone()
            except sqlite3.Error as exc:
                raise ChallengeStoreUnavailable(
                    f"the challenge store cannot be read ({type(exc).__name__})"
                ) from None
        if row is None:
            raise ChallengeUnknown("the presentation's challenge was not issued by this post")
        issued_domain, issued_at, expires_at, used_at = row
        if changed == 1:
            return datetime.fromtimestamp(issued_at, UTC)
        if issued_domain != domain:
            raise DomainMismatch("the challenge was issued for another domain")
        if used_at is not None:
            raise ChallengeReplayed("the challenge was already used: a replayed presentation")
        if expires_at < moment:
            raise ChallengeExpired("the challenge has expired: ask for a new presentation")
        raise ChallengeReplayed("the challenge could not be used once")  # pragma: no cover

    def purge(self, *, now: datetime | None = None, keep: timedelta = timedelta(days=1)) -> int:
        """Forget challenges that expired more than ``keep`` ago; returns how many.

        A forgotten challenge is then ``unknown`` rather than ``expired`` or
        ``replayed``; it is refused either way.
        """
        if not isinstance(keep, timedelta) or keep < timedelta(0):
            raise UsageError("keep must be a non-negative timedelta")
        cutoff = _seconds(self._now(now) - keep)
        return self._write("DELETE FROM challenges WHERE expires_at < ?", (cutoff,))


__all__ = [
    "CHALLENGE_BYTES",
    "DEFAULT_CHALLENGE_TTL",
    "MAX_CHALLENGE_TTL",
    "ChallengeStore",
    "PresentationRequest",
]
