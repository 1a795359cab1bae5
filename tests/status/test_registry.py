"""The registry: status changes make new signed, logged list versions."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from vcid.errors import StatusNotAllocated, StatusTransitionError, UsageError
from vcid.keyfile import KeyFile
from vcid.keys import KeyType
from vcid.status import (
    CHILD_ALERT_MESSAGES,
    StatusAction,
    StatusBitstring,
    StatusListAllocator,
    StatusRegistry,
    StatusStore,
    open_postgres_store,
    parse_status_list,
    status_list_commitment,
)
from vcid.status.registry import export_path

from .conftest import NOW, FakeLog

BASE = "https://registrar.example/status"


def _registry(store: StatusStore, log: FakeLog | None = None) -> tuple[StatusRegistry, KeyFile]:
    key = KeyFile.generate(KeyType.ED25519)
    return StatusRegistry(store, key=key, base_url=BASE, log=log), key


def _bit(document: dict[str, object], index: int, status_size: int = 1) -> int:
    view = parse_status_list(document)  # type: ignore[arg-type]
    return StatusBitstring.decode(view.encoded_list, status_size=status_size).get(index)


def _index(entries: list[dict[str, object]], purpose: str) -> int:
    return next(int(str(e["statusListIndex"])) for e in entries if e["statusPurpose"] == purpose)


def test_revoking_signs_a_new_version_with_the_bit_set_and_logs_it(store: StatusStore) -> None:
    log = FakeLog()
    registry, key = _registry(store, log)
    entries = registry.allocator().allocate("urn:a")
    change = registry.revoke("urn:a", now=NOW)
    assert change.changed
    assert change.version is not None
    version = change.version
    assert (version.version, version.list_url) == (1, f"{BASE}/revocation/1")
    signed = version.credential
    assert signed["issuer"] == key.controller
    assert signed["validFrom"] == "2026-03-01T12:00:00Z"
    assert signed["validUntil"] == "2026-03-03T12:00:00Z"
    subject = signed["credentialSubject"]
    assert isinstance(subject, dict)
    assert subject["ttl"] == 300000
    assert _bit(signed, _index(entries, "revocation")) == 1  # type: ignore[arg-type]
    assert log.entries == [(status_list_commitment(signed), NOW)]
    assert version.log_index == 0
    assert store.versions(version.list_url)[0].log_index == 0


def test_each_change_is_a_new_version(store: StatusStore) -> None:
    log = FakeLog()
    registry, _ = _registry(store, log)
    registry.allocator().allocate("urn:a")
    registry.allocator().allocate("urn:b")
    registry.suspend("urn:a", now=NOW)
    registry.suspend("urn:b", now=NOW + timedelta(minutes=1))
    registry.reinstate("urn:a", now=NOW + timedelta(minutes=2))
    versions = store.versions(f"{BASE}/suspension/1")
    assert [v.version for v in versions] == [1, 2, 3]
    assert len({v.commitment for v in versions}) == 3
    assert [c for c, _ in log.entries] == [v.commitment for v in versions]
    status = registry.status("urn:a")
    assert (status.revoked, status.suspended, status.flagged_missing) == (False, False, False)
    assert registry.status("urn:b").suspended is True


def test_setting_a_value_already_set_changes_nothing(store: StatusStore) -> None:
    log = FakeLog()
    registry, _ = _registry(store, log)
    registry.allocator().allocate("urn:a")
    assert registry.revoke("urn:a", now=NOW).changed
    again = registry.revoke("urn:a", now=NOW)
    assert (again.changed, again.version) == (False, None)
    assert len(log.entries) == 1


def test_revocation_is_permanent(store: StatusStore) -> None:
    registry, _ = _registry(store)
    registry.allocator().allocate("urn:a")
    registry.suspend("urn:a", now=NOW)
    registry.revoke("urn:a", now=NOW)
    with pytest.raises(StatusTransitionError, match="permanent"):
        registry.reinstate("urn:a", now=NOW)
    status = registry.status("urn:a")
    assert (status.revoked, status.suspended) == (True, True)
    assert not hasattr(StatusAction, "UNREVOKE")


def test_flag_and_clear_set_the_message_status(store: StatusStore) -> None:
    registry, _ = _registry(store)
    entries = registry.allocator().allocate("urn:a")
    flagged = registry.flag_missing("urn:a", now=NOW)
    assert flagged.version is not None
    assert _bit(flagged.version.credential, _index(entries, "message")) == 1  # type: ignore[arg-type]
    assert registry.status("urn:a").message_text == (
        "reported missing: refer to child-protection authorities"
    )
    cleared = registry.clear_flag("urn:a", now=NOW)
    assert cleared.version is not None
    assert _bit(cleared.version.credential, _index(entries, "message")) == 0  # type: ignore[arg-type]
    assert registry.status("urn:a").to_json()["message"] == "0x0"


def test_a_credential_without_the_entry_cannot_be_changed(store: StatusStore) -> None:
    registry, _ = _registry(store)
    StatusListAllocator(store, base_url=BASE, purposes=["revocation"]).allocate("urn:r")
    with pytest.raises(StatusNotAllocated):
        registry.revoke("urn:unknown", now=NOW)
    with pytest.raises(StatusNotAllocated):
        registry.flag_missing("urn:r", now=NOW)
    with pytest.raises(StatusNotAllocated):
        registry.status("urn:unknown")


def test_a_batch_is_one_version_per_list(store: StatusStore) -> None:
    registry, _ = _registry(store)
    allocator = registry.allocator()
    allocator.allocate_many(["urn:a", "urn:b", "urn:c"])
    changes = registry.apply(
        [
            ("urn:a", StatusAction.REVOKE),
            ("urn:b", StatusAction.REVOKE),
            ("urn:c", StatusAction.SUSPEND),
        ],
        now=NOW,
    )
    assert [c.changed for c in changes] == [True, True, True]
    assert [v.version for v in store.latest_versions()] == [1, 1]


def test_naive_now_is_a_usage_error(store: StatusStore) -> None:
    registry, _ = _registry(store)
    registry.allocator().allocate("urn:a")
    with pytest.raises(UsageError, match="timezone"):
        registry.revoke("urn:a", now=datetime(2026, 1, 1))
    assert registry.status("urn:a").revoked is False


def test_an_unreachable_log_does_not_block_a_revocation_and_catches_up(store: StatusStore) -> None:
    log = FakeLog(fail=True)
    registry, _ = _registry(store, log)
    registry.allocator().allocate("urn:a")
    change = registry.revoke("urn:a", now=NOW)
    assert change.changed
    assert registry.status("urn:a").revoked is True
    assert len(registry.unlogged()) == 1
    log.fail = False
    registry.publish(now=NOW)
    assert registry.unlogged() == ()
    assert log.entries[0][0] == change.version.commitment  # type: ignore[union-attr]


def test_publish_signs_new_lists_and_renews_them_before_they_expire(store: StatusStore) -> None:
    log = FakeLog()
    registry, _ = _registry(store, log)
    registry.allocator().allocate("urn:a")
    first = registry.publish(now=NOW)
    assert [d["id"] for d in first] == [
        f"{BASE}/{p}/1" for p in ("revocation", "suspension", "message")
    ]
    assert registry.publish(now=NOW + timedelta(hours=1)) == first  # still fresh
    renewed = registry.publish(now=NOW + timedelta(days=1, hours=1))
    assert all(d["validFrom"] == "2026-03-02T13:00:00Z" for d in renewed)
    assert len(log.entries) == 6


def test_export_writes_each_list_atomically_under_its_url_path(
    store: StatusStore, tmp_path: Path
) -> None:
    registry, _ = _registry(store)
    registry.allocator().allocate("urn:a")
    files = registry.export(tmp_path / "out", now=NOW)
    assert sorted(p.relative_to(tmp_path / "out").as_posix() for p in files) == [
        "message/1.json",
        "revocation/1.json",
        "suspension/1.json",
    ]
    current = {d["id"]: d for d in registry.publish(now=NOW)}
    for path in files:
        document = json.loads(path.read_text())
        assert current[document["id"]] == document
    assert not list((tmp_path / "out").rglob(".tmp-*"))


@pytest.mark.parametrize(
    "url",
    [
        "https://other.example/status/revocation/1",
        f"{BASE}/../secret",
        f"{BASE}/revocation//1",
        f"{BASE}/rev%2F..%2Fx",
        f"{BASE}/revocation/1;x",
    ],
)
def test_export_paths_stay_inside_the_folder(url: str) -> None:
    with pytest.raises(UsageError):
        export_path(url, BASE)


def test_registry_options_are_checked(store: StatusStore) -> None:
    key = KeyFile.generate(KeyType.ED25519)
    with pytest.raises(UsageError):
        StatusRegistry(store, key=key, base_url=BASE, validity=timedelta(0))
    with pytest.raises(UsageError):
        StatusRegistry(store, key=key, base_url=BASE, ttl=timedelta(seconds=-1))
    with pytest.raises(UsageError):
        StatusRegistry(store, key=object(), base_url=BASE)  # type: ignore[arg-type]


def test_the_registry_works_on_postgres(pg_dsn: str) -> None:
    log = FakeLog()
    with open_postgres_store(pg_dsn) as opened:
        registry, _ = _registry(opened, log)
        entries = registry.allocator().allocate("urn:a")
        change = registry.revoke("urn:a", now=NOW)
        assert change.version is not None
        assert _bit(change.version.credential, _index(entries, "revocation")) == 1  # type: ignore[arg-type]
        assert registry.status("urn:a").revoked is True
        assert len(log.entries) == 1


# --- multi-bit message entries --------------------------------------------------------


def test_set_message_writes_any_value_of_a_two_bit_scheme(store: StatusStore) -> None:
    registry, _ = _registry(store)
    allocator = registry.allocator(message_status_size=2, messages=CHILD_ALERT_MESSAGES)
    entries = allocator.allocate("urn:a")
    index = _index(entries, "message")  # type: ignore[arg-type]
    for value in (2, 3, 1, 0):
        change = registry.set_message("urn:a", value, now=NOW)
        assert (change.action, change.changed, change.value) == (
            StatusAction.SET_MESSAGE,
            True,
            value,
        )
        assert change.version is not None
        assert _bit(change.version.credential, index, 2) == value  # type: ignore[arg-type]
        status = registry.status("urn:a")
        assert status.message == value
        assert status.message_text == CHILD_ALERT_MESSAGES[value].message
        assert status.flagged_missing is (value != 0)
    again = registry.set_message("urn:a", 0, now=NOW)
    assert (again.changed, again.version) == (False, None)


def test_set_message_refuses_values_outside_the_scheme(store: StatusStore) -> None:
    registry, _ = _registry(store)
    registry.allocator(message_status_size=2, messages=CHILD_ALERT_MESSAGES).allocate("urn:a")
    registry.allocator().allocate("urn:one-bit")
    with pytest.raises(UsageError, match="statusSize"):
        registry.set_message("urn:a", 4, now=NOW)
    with pytest.raises(UsageError, match="statusSize"):
        registry.set_message("urn:one-bit", 2, now=NOW)
    for bad in (-1, True, "0x1"):
        with pytest.raises(UsageError):
            registry.set_message("urn:a", bad, now=NOW)  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="set_message"):
        registry.apply([("urn:a", StatusAction.SET_MESSAGE)], now=NOW)
    StatusListAllocator(store, base_url=BASE, purposes=["revocation"]).allocate("urn:r")
    with pytest.raises(StatusNotAllocated):
        registry.set_message("urn:r", 1, now=NOW)
    assert registry.status("urn:a").message == 0
