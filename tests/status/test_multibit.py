"""Multi-bit status entries (``statusSize`` > 1) issued by the registry and checked by a verifier.

Lists are served from memory; every credential goes through
``CredentialVerifier(status_checker=BitstringStatusChecker(...))``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from vcid import _json
from vcid._json import JsonObject
from vcid.errors import StatusListUnavailable
from vcid.issuer import issue
from vcid.jsonld import JsonLdProcessor
from vcid.keyfile import KeyFile
from vcid.keys import KeyType
from vcid.model import validate_credential
from vcid.report import Outcome, Verdict, VerificationReport
from vcid.status import (
    CHILD_ALERT_MESSAGES,
    MISSING_CHILD_MESSAGE,
    BitstringStatusChecker,
    StatusBitstring,
    StatusMessage,
    StatusRegistry,
    StatusStore,
    open_sqlite_store,
    parse_status_list,
    sign_status_list,
    status_entry,
    status_list_credential,
)
from vcid.status.credential import CUSTODY_DISPUTE_MESSAGE, TRAVEL_BAN_MESSAGE
from vcid.verifier import CredentialVerifier

from .conftest import NOW

BASE = "https://registrar.example/status"
REFERENCE = "https://registrar.example/status-messages"
STATUS_CONTEXT = "https://www.w3.org/ns/credentials/status#"


@dataclass
class MemoryFetcher:
    """Serves status lists from a dict, by URL."""

    routes: dict[str, bytes] = field(default_factory=dict)

    def publish(self, lists: Sequence[JsonObject]) -> None:
        for document in lists:
            url = document["id"]
            assert isinstance(url, str)
            self.routes[url] = _json.dumps(document).encode()

    def fetch(self, url: str) -> bytes:
        body = self.routes.get(url)
        if body is None:
            raise StatusListUnavailable("no such list")
        return body


def _scheme(status_size: int) -> tuple[StatusMessage, ...]:
    return tuple(
        StatusMessage(status=v, message="no alert" if v == 0 else f"registrar alert {v:#x}")
        for v in range(1 << status_size)
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[StatusStore]:
    opened = open_sqlite_store(tmp_path / "status.db")
    try:
        yield opened
    finally:
        opened.close()


@dataclass
class Registrar:
    key: KeyFile
    registry: StatusRegistry
    fetcher: MemoryFetcher

    def issue(self, cid: str, entries: list[JsonObject]) -> JsonObject:
        credential: dict[str, Any] = {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "id": cid,
            "type": ["VerifiableCredential"],
            "issuer": self.key.controller,
            "validFrom": "2026-01-01T00:00:00Z",
            "credentialSubject": {"id": "did:example:child"},
            "credentialStatus": entries,
        }
        return issue(credential, key=self.key, created=NOW - timedelta(days=30))

    def publish(self) -> tuple[JsonObject, ...]:
        lists = self.registry.publish(now=NOW)
        self.fetcher.publish(lists)
        return lists

    def verify(self, credential: JsonObject) -> VerificationReport:
        checker = BitstringStatusChecker(fetcher=self.fetcher)
        return CredentialVerifier(status_checker=checker).verify_credential(credential, now=NOW)


@pytest.fixture
def registrar(store: StatusStore) -> Registrar:
    key = KeyFile.generate(KeyType.ED25519)
    return Registrar(key, StatusRegistry(store, key=key, base_url=BASE), MemoryFetcher())


def _status(report: VerificationReport) -> dict[str, tuple[Outcome, str, str]]:
    return {
        c.name: (c.outcome, c.code, c.detail) for c in report.checks if c.name.startswith("status")
    }


# --- issuing and checking, statusSize 1, 2, 4 and 8 ---------------------------------


@pytest.mark.parametrize("status_size", [1, 2, 4, 8])
def test_a_message_value_round_trips_from_registry_to_verifier(
    registrar: Registrar, status_size: int
) -> None:
    """Every value of a statusSize-n message list is published at index*n and reported."""
    scheme = _scheme(status_size)
    allocator = registrar.registry.allocator(
        purposes=["message"],
        message_status_size=status_size,
        messages=scheme,
        message_reference=REFERENCE,
    )
    entry = allocator.allocate("urn:a")[0]
    neighbour = allocator.allocate("urn:b")[0]
    assert entry["statusSize"] == status_size
    assert entry["statusMessage"] == [m.to_json() for m in scheme]
    assert entry["statusReference"] == REFERENCE
    flagged = registrar.issue("urn:a", [entry])
    quiet = registrar.issue("urn:b", [neighbour])
    index = int(str(entry["statusListIndex"]))
    top = (1 << status_size) - 1
    for value in sorted({1, top // 2 + 1, top}):
        change = registrar.registry.set_message("urn:a", value, now=NOW)
        assert change.changed
        assert change.value == value
        (published,) = registrar.publish()
        view = parse_status_list(published)
        bits = StatusBitstring.decode(view.encoded_list, status_size=status_size)
        assert bits.length == 131_072  # the minimum, whatever the size
        assert bits.get(index) == value
        # the raw bits at index * statusSize, most significant first
        raw = int.from_bytes(bits.to_bytes(), "big")
        shift = bits.length * status_size - (index + 1) * status_size
        assert (raw >> shift) & top == value
        report = registrar.verify(flagged)
        assert report.verdict is Verdict.ALERT
        assert _status(report)["status[0].message"] == (
            Outcome.ALERT,
            "STATUS_MESSAGE",
            f"registrar alert {value:#x}",
        )
        assert registrar.verify(quiet).verdict is Verdict.VALID
    registrar.registry.set_message("urn:a", 0, now=NOW)
    registrar.publish()
    report = registrar.verify(flagged)
    assert report.verdict is Verdict.VALID
    assert _status(report)["status[0].message"] == (Outcome.PASSED, "OK", "status 0x0: no alert")


@pytest.mark.parametrize(
    ("value", "verdict", "outcome", "code", "detail"),
    [
        (0, Verdict.VALID, Outcome.PASSED, "OK", "status 0x0: no alert"),
        (1, Verdict.ALERT, Outcome.ALERT, "MISSING_CHILD_ALERT", MISSING_CHILD_MESSAGE),
        (2, Verdict.ALERT, Outcome.ALERT, "STATUS_MESSAGE", CUSTODY_DISPUTE_MESSAGE),
        (3, Verdict.ALERT, Outcome.ALERT, "STATUS_MESSAGE", TRAVEL_BAN_MESSAGE),
    ],
)
def test_each_value_of_the_two_bit_child_alert_scheme_has_its_outcome(
    registrar: Registrar,
    value: int,
    verdict: Verdict,
    outcome: Outcome,
    code: str,
    detail: str,
) -> None:
    """A credential with revocation, suspension and a 2-bit message entry, through the verifier."""
    allocator = registrar.registry.allocator(
        message_status_size=2, messages=CHILD_ALERT_MESSAGES, message_reference=REFERENCE
    )
    credential = registrar.issue("urn:child", allocator.allocate("urn:child"))
    registrar.registry.set_message("urn:child", value, now=NOW)
    registrar.publish()
    report = registrar.verify(credential)
    assert report.verdict is verdict, report.to_text()
    status = _status(report)
    assert status["status[0].revocation"][:2] == (Outcome.PASSED, "OK")
    assert status["status[1].suspension"][:2] == (Outcome.PASSED, "OK")
    assert status["status[2].message"] == (outcome, code, detail)
    assert registrar.registry.status("urn:child").message == value


def test_a_revoked_credential_with_a_multi_bit_message_entry_fails_and_alerts(
    registrar: Registrar,
) -> None:
    allocator = registrar.registry.allocator(message_status_size=2, messages=CHILD_ALERT_MESSAGES)
    credential = registrar.issue("urn:child", allocator.allocate("urn:child"))
    registrar.registry.revoke("urn:child", now=NOW)
    registrar.registry.set_message("urn:child", 2, now=NOW)
    registrar.publish()
    report = registrar.verify(credential)
    assert report.verdict is Verdict.INVALID
    status = _status(report)
    assert status["status[0].revocation"][:2] == (Outcome.FAILED, "REVOKED")
    assert status["status[2].message"][:2] == (Outcome.ALERT, "STATUS_MESSAGE")


# --- hand-built lists: revocation with statusSize 2, and the spec's rules -----------

REVOCATION_SCHEME = (
    StatusMessage(status=0, message="valid"),
    StatusMessage(status=1, message="revoked: consent withdrawn"),
    StatusMessage(status=2, message="revoked: superseded by a new credential"),
    StatusMessage(status=3, message="undefined"),
)


def _signed_list(
    key: KeyFile,
    url: str,
    bits: StatusBitstring,
    *,
    purpose: Any = "revocation",
    subject_extra: dict[str, Any] | None = None,
) -> JsonObject:
    unsigned = status_list_credential(
        list_url=url,
        issuer=key.controller,
        purpose=purpose,
        encoded_list=bits.encode(),
        valid_from=NOW,
        valid_until=NOW + timedelta(days=1),
    )
    if subject_extra:
        # §2.2 lets a list state statusSize and statusMessages; the v2 context lacks them
        unsigned["@context"] = [
            "https://www.w3.org/ns/credentials/v2",
            {
                "statusSize": {
                    "@id": STATUS_CONTEXT + "statusSize",
                    "@type": "http://www.w3.org/2001/XMLSchema#integer",
                },
                "statusMessages": {
                    "@id": STATUS_CONTEXT + "statusMessage",
                    "@context": {
                        "status": STATUS_CONTEXT + "status",
                        "message": STATUS_CONTEXT + "message",
                    },
                },
            },
        ]
        subject = unsigned["credentialSubject"]
        assert isinstance(subject, dict)
        subject.update(subject_extra)
    return sign_status_list(unsigned, key=key, jsonld=JsonLdProcessor(), created=NOW)


def _serve(registrar: Registrar, document: JsonObject) -> None:
    registrar.fetcher.publish([document])


def _credential_with(registrar: Registrar, entry: JsonObject) -> JsonObject:
    return registrar.issue("urn:x", [entry])


def test_a_two_bit_revocation_entry_fails_for_every_value_but_zero(registrar: Registrar) -> None:
    url = f"{BASE}/revocation/9"
    entry = status_entry(
        list_url=url, index=70_000, purpose="revocation", status_size=2, messages=REVOCATION_SCHEME
    )
    credential = _credential_with(registrar, entry)
    for value in range(4):
        bits = StatusBitstring.zeros(131_072, status_size=2)
        bits.set(70_000, value)
        bits.set(70_001, 3)  # a neighbour never leaks into the entry
        _serve(registrar, _signed_list(registrar.key, url, bits))
        check = _status(registrar.verify(credential))["status[0].revocation"]
        if value == 0:
            assert check == (Outcome.PASSED, "OK", "not revoked")
        else:
            message = REVOCATION_SCHEME[value].message
            assert check == (
                Outcome.FAILED,
                "REVOKED",
                f"the credential has been revoked (status {value:#x}: {message})",
            )


def test_a_list_too_short_for_the_entrys_status_size_is_a_length_error(
    registrar: Registrar,
) -> None:
    """§3.2: the bitstring's length divided by statusSize must be at least 131,072."""
    url = f"{BASE}/message/9"
    entry = status_entry(
        list_url=url, index=5, purpose="message", status_size=2, messages=CHILD_ALERT_MESSAGES
    )
    credential = _credential_with(registrar, entry)
    _serve(
        registrar,
        _signed_list(registrar.key, url, StatusBitstring.zeros(131_072), purpose="message"),
    )
    check = _status(registrar.verify(credential))["status[0].message"]
    assert check[:2] == (Outcome.FAILED, "STATUS_LIST_LENGTH")


def test_an_index_past_the_end_of_a_multi_bit_list_is_a_range_error(registrar: Registrar) -> None:
    url = f"{BASE}/message/9"
    entry = status_entry(
        list_url=url, index=131_072, purpose="message", status_size=2, messages=CHILD_ALERT_MESSAGES
    )
    credential = _credential_with(registrar, entry)
    bits = StatusBitstring.zeros(131_072, status_size=2)
    _serve(registrar, _signed_list(registrar.key, url, bits, purpose="message"))
    check = _status(registrar.verify(credential))["status[0].message"]
    assert check[:2] == (Outcome.FAILED, "STATUS_RANGE")


def _messages_json(messages: Sequence[StatusMessage]) -> list[JsonObject]:
    return [m.to_json() for m in messages]


@pytest.mark.parametrize(
    ("subject_extra", "code"),
    [
        ({"statusSize": 2}, "OK"),
        ({"statusSize": 2, "statusMessages": _messages_json(CHILD_ALERT_MESSAGES)}, "OK"),
        ({"statusSize": 1}, "STATUS_SIZE_MISMATCH"),
        ({"statusSize": 4}, "STATUS_SIZE_MISMATCH"),
        (
            {"statusSize": 2, "statusMessages": _messages_json(REVOCATION_SCHEME)},
            "STATUS_SIZE_MISMATCH",
        ),
        ({"statusSize": 0}, "STATUS_LIST_INVALID"),
        (
            {"statusSize": 2, "statusMessages": _messages_json(CHILD_ALERT_MESSAGES[:3])},
            "STATUS_LIST_INVALID",
        ),
    ],
)
def test_a_list_that_states_its_status_size_must_agree_with_the_entry(
    registrar: Registrar, subject_extra: dict[str, Any], code: str
) -> None:
    url = f"{BASE}/message/9"
    entry = status_entry(
        list_url=url, index=5, purpose="message", status_size=2, messages=CHILD_ALERT_MESSAGES
    )
    credential = _credential_with(registrar, entry)
    bits = StatusBitstring.zeros(131_072, status_size=4)  # long enough for every size
    document = _signed_list(
        registrar.key, url, bits, purpose="message", subject_extra=subject_extra
    )
    _serve(registrar, document)
    check = _status(registrar.verify(credential))["status[0].message"]
    assert check[1] == code, check


def _entry(**changes: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "type": "BitstringStatusListEntry",
        "statusPurpose": "message",
        "statusListIndex": "5",
        "statusListCredential": f"{BASE}/message/1",
        "statusSize": 2,
        "statusMessage": _messages_json(CHILD_ALERT_MESSAGES),
        "statusReference": REFERENCE,
    }
    for name, value in changes.items():
        if value is None:
            entry.pop(name)
        else:
            entry[name] = value
    return entry


@pytest.mark.parametrize(
    "entry",
    [
        pytest.param(_entry(statusMessage=None), id="statusSize-2-without-statusMessage"),
        pytest.param(
            _entry(statusMessage=_messages_json(CHILD_ALERT_MESSAGES[:2])), id="two-of-four"
        ),
        pytest.param(
            _entry(statusMessage=_messages_json(CHILD_ALERT_MESSAGES) * 2), id="eight-for-four"
        ),
        pytest.param(
            _entry(statusMessage=[{"status": "0x0", "message": "a"}] * 4), id="status-repeated"
        ),
        pytest.param(
            _entry(statusMessage=[{"status": str(v), "message": "a"} for v in range(4)]),
            id="status-not-0x-hex",
        ),
        pytest.param(
            _entry(statusMessage=[{"status": f"0x{v}"} for v in range(4)]), id="no-message"
        ),
        pytest.param(_entry(statusSize=0), id="statusSize-0"),
        pytest.param(_entry(statusSize="2"), id="statusSize-string"),
        pytest.param(_entry(statusSize=9), id="statusSize-over-8"),
        pytest.param(_entry(statusSize=1), id="four-messages-for-one-bit"),
        pytest.param(_entry(statusReference="not a url"), id="statusReference-not-url"),
        pytest.param(_entry(statusReference=[]), id="statusReference-empty-array"),
        pytest.param(_entry(statusReference=[REFERENCE, 7]), id="statusReference-not-strings"),
    ],
)
def test_malformed_multi_bit_entries_fail_without_fetching(
    registrar: Registrar, entry: dict[str, Any]
) -> None:
    view = validate_credential(
        {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "issuer": registrar.key.controller,
            "credentialSubject": {"id": "did:example:child"},
            "credentialStatus": entry,
        }
    )
    fetcher = MemoryFetcher()
    checks = BitstringStatusChecker(fetcher=fetcher).check_status(view, now=NOW)
    assert [(c.name, c.outcome, c.code) for c in checks] == [
        ("status[0].message", Outcome.FAILED, "STATUS_ENTRY_INVALID")
    ]


def test_a_well_formed_entry_with_references_is_accepted(registrar: Registrar) -> None:
    """The negative cases above differ from this entry in one property only."""
    url = f"{BASE}/message/1"
    entry = _entry(statusReference=[REFERENCE, "https://registrar.example/other"])
    bits = StatusBitstring.zeros(131_072, status_size=2)
    bits.set(5, 2)
    _serve(registrar, _signed_list(registrar.key, url, bits, purpose="message"))
    report = registrar.verify(_credential_with(registrar, entry))
    assert _status(report)["status[0].message"] == (
        Outcome.ALERT,
        "STATUS_MESSAGE",
        CUSTODY_DISPUTE_MESSAGE,
    )
