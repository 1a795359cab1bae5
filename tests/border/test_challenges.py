"""Single-use challenges: issued at random, accepted once, remembered across restarts."""

from __future__ import annotations

import stat
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vcid.border import ChallengeStore
from vcid.errors import (
    ChallengeExpired,
    ChallengeReplayed,
    ChallengeStoreUnavailable,
    ChallengeUnknown,
    DomainMismatch,
    UsageError,
)

NOW = datetime(2026, 7, 1, 8, 0, tzinfo=UTC)
POST = "border.example"


@pytest.fixture
def store(tmp_path: Path) -> ChallengeStore:
    return ChallengeStore(tmp_path / "challenges.db", clock=lambda: NOW)


def test_a_challenge_is_accepted_once(store: ChallengeStore) -> None:
    """The first redemption succeeds; the second is a replay."""
    request = store.issue(domain=POST)
    assert request.expires == NOW + timedelta(minutes=5)
    assert store.redeem(request.challenge, domain=POST) == NOW
    with pytest.raises(ChallengeReplayed):
        store.redeem(request.challenge, domain=POST)


def test_a_replay_is_refused_after_a_restart(tmp_path: Path) -> None:
    """A new process opening the same file still knows the challenge was used."""
    path = tmp_path / "challenges.db"
    with ChallengeStore(path) as first:
        request = first.issue(domain=POST, now=NOW)
        first.redeem(request.challenge, domain=POST, now=NOW)
    with ChallengeStore(path) as second, pytest.raises(ChallengeReplayed):
        second.redeem(request.challenge, domain=POST, now=NOW)


def test_expired_unknown_and_foreign_challenges_are_refused(store: ChallengeStore) -> None:
    """Each refusal names its reason; an expired one is not used up by the attempt."""
    request = store.issue(domain=POST, ttl=timedelta(minutes=1))
    with pytest.raises(ChallengeExpired):
        store.redeem(request.challenge, domain=POST, now=NOW + timedelta(minutes=2))
    with pytest.raises(ChallengeUnknown):
        store.redeem("never-issued", domain=POST)
    with pytest.raises(ChallengeUnknown):
        store.redeem("x" * 10_000, domain=POST)
    other = store.issue(domain=POST)
    with pytest.raises(DomainMismatch):
        store.redeem(other.challenge, domain="another.example")
    assert store.redeem(other.challenge, domain=POST) == NOW  # the wrong post did not use it


def test_challenges_are_random_and_secret(store: ChallengeStore, tmp_path: Path) -> None:
    """Challenges do not repeat, are not in repr, and only digests reach the file."""
    requests = [store.issue(domain=POST) for _ in range(50)]
    assert len({r.challenge for r in requests}) == 50
    assert all(len(r.challenge) >= 43 for r in requests)
    assert requests[0].challenge not in repr(requests[0])
    data = (tmp_path / "challenges.db").read_bytes()
    assert not any(r.challenge.encode() in data for r in requests)
    assert requests[0].to_json() == {
        "challenge": requests[0].challenge,
        "domain": POST,
        "expires": "2026-07-01T08:05:00Z",
    }


def test_the_store_is_owner_only(tmp_path: Path) -> None:
    """The file is created 0600."""
    path = tmp_path / "challenges.db"
    ChallengeStore(path).close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_concurrent_redemptions_accept_exactly_one(tmp_path: Path) -> None:
    """Two stores on one file, racing on the same challenge: one wins."""
    path = tmp_path / "challenges.db"
    stores = [ChallengeStore(path, clock=lambda: NOW) for _ in range(4)]
    request = stores[0].issue(domain=POST)
    outcomes: list[str] = []

    def race(store: ChallengeStore) -> None:
        try:
            store.redeem(request.challenge, domain=POST)
            outcomes.append("accepted")
        except ChallengeReplayed:
            outcomes.append("replayed")

    threads = [threading.Thread(target=race, args=(s,)) for s in stores * 5]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["accepted"] + ["replayed"] * 19


def test_purge_forgets_only_long_expired(store: ChallengeStore) -> None:
    """Purged challenges are refused as unknown; live ones survive."""
    old = store.issue(domain=POST, ttl=timedelta(minutes=1), now=NOW - timedelta(days=3))
    live = store.issue(domain=POST)
    assert store.purge() == 1
    with pytest.raises(ChallengeUnknown):
        store.redeem(old.challenge, domain=POST)
    assert store.redeem(live.challenge, domain=POST) == NOW


def test_misuse_raises_usage_error(store: ChallengeStore, tmp_path: Path) -> None:
    """Empty domains, bad ttls, naive times and bad options are the caller's bug."""
    with pytest.raises(UsageError):
        store.issue(domain="")
    for ttl in (timedelta(0), timedelta(days=2)):
        with pytest.raises(UsageError):
            store.issue(domain=POST, ttl=ttl)
    with pytest.raises(UsageError):
        store.issue(domain=POST, now=datetime(2026, 7, 1))
    with pytest.raises(UsageError):
        ChallengeStore(tmp_path / "x.db", busy_timeout="soon")  # type: ignore[arg-type]


def test_an_unusable_file_is_a_clear_error(tmp_path: Path) -> None:
    """A folder or a non-database file gives ChallengeStoreUnavailable, not sqlite3's error."""
    with pytest.raises(ChallengeStoreUnavailable):
        ChallengeStore(tmp_path)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database" * 100)
    with pytest.raises(ChallengeStoreUnavailable):
        ChallengeStore(junk)


@settings(max_examples=40)
@given(st.text(max_size=300))
def test_arbitrary_text_is_never_accepted(
    tmp_path_factory: pytest.TempPathFactory, text: str
) -> None:
    """No string a holder makes up is accepted as a challenge."""
    path = tmp_path_factory.mktemp("h") / "c.db"
    with ChallengeStore(path, clock=lambda: NOW) as store:
        store.issue(domain=POST)
        with pytest.raises(ChallengeUnknown):
            store.redeem(text, domain=POST)
