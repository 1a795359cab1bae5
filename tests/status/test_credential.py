"""Status entries and status list credentials (Bitstring Status List §2)."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from vcid._json import JsonObject
from vcid.canon import jcs
from vcid.did import default_resolver
from vcid.errors import StatusEntryError, StatusListError, UsageError
from vcid.issuer import issue
from vcid.jsonld import JsonLdProcessor
from vcid.keyfile import KeyFile
from vcid.keys import KeyType
from vcid.model import validate_credential
from vcid.proofs import AssertionPurpose, verify_proofs
from vcid.report import Outcome
from vcid.status import (
    CHILD_ALERT_MESSAGES,
    DEFAULT_MESSAGES,
    MISSING_CHILD_MESSAGE,
    StatusBitstring,
    StatusMessage,
    parse_message_scheme,
    parse_status_entry,
    parse_status_list,
    sign_status_list,
    status_entry,
    status_list_commitment,
    status_list_credential,
)

from .conftest import NOW

URL = "https://registrar.example/status/revocation/1"


def test_entry_has_the_spec_shape() -> None:
    assert status_entry(list_url=URL, index=94567, purpose="revocation") == {
        "id": f"{URL}#94567",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "94567",
        "statusListCredential": URL,
    }


def test_message_entry_carries_size_and_the_missing_child_message() -> None:
    entry = status_entry(list_url=URL, index=7, purpose="message")
    assert entry["statusSize"] == 1
    assert entry["statusMessage"] == [
        {"status": "0x0", "message": "no alert"},
        {"status": "0x1", "message": MISSING_CHILD_MESSAGE},
    ]
    parsed = parse_status_entry(entry)
    assert parsed.message_for(1) == MISSING_CHILD_MESSAGE


def test_multi_bit_message_entry() -> None:
    messages = [StatusMessage(status=i, message=f"m{i}") for i in range(4)]
    entry = status_entry(
        list_url=URL,
        index=3,
        purpose="message",
        status_size=2,
        messages=messages,
        reference="https://registrar.example/status-dictionary/",
    )
    parsed = parse_status_entry(entry)
    assert (parsed.status_size, len(parsed.messages)) == (2, 4)
    assert entry["statusReference"] == "https://registrar.example/status-dictionary/"
    with pytest.raises(UsageError):
        status_entry(list_url=URL, index=3, purpose="message", status_size=2)
    with pytest.raises(UsageError):
        status_entry(list_url=URL, index=3, purpose="message", status_size=2, messages=messages[:3])


@pytest.mark.parametrize(
    "options",
    [
        {"list_url": "not a url", "index": 1, "purpose": "revocation"},
        {"list_url": URL, "index": -1, "purpose": "revocation"},
        {"list_url": URL, "index": True, "purpose": "revocation"},
        {"list_url": URL, "index": 1, "purpose": "expiry"},
        {"list_url": URL, "index": 1, "purpose": "revocation", "status_size": 9},
        {"list_url": URL, "index": 1, "purpose": "revocation", "status_size": 2},
        {"list_url": URL, "index": 1, "purpose": "revocation", "reference": "nope"},
    ],
)
def test_bad_entry_options_are_usage_errors(options: dict[str, Any]) -> None:
    with pytest.raises(UsageError):
        status_entry(**options)


def test_every_spec_example_entry_parses(vectors_dir: Path) -> None:
    folder = vectors_dir / "bitstring-status-list"
    count = 0
    for path in sorted(folder.glob("*.json")):
        status = json.loads(path.read_text()).get("credentialStatus")
        for entry in status if isinstance(status, list) else [status] if status else []:
            parsed = parse_status_entry(entry)
            assert parsed.index == int(entry["statusListIndex"])
            count += 1
    assert count == 7


def test_the_spec_message_example_parses(vectors_dir: Path) -> None:
    text = (vectors_dir / "bitstring-status-list" / "vc-message-entry-section-2.1.txt").read_text()
    # the spec elides items with "..."; complete the two-bit scheme it starts
    text = text.replace(
        '{"status":"0x2", "message":"rejected"},\n        ...',
        '{"status":"0x2", "message":"rejected"}, {"status":"0x3", "message":"undefined"}',
    ).replace('"type": "BillOfLading",\n    ...', '"type": "BillOfLading"')
    entry = json.loads(text)["credentialStatus"]
    parsed = parse_status_entry(entry)
    assert (parsed.purpose, parsed.index, parsed.status_size) == ("message", 492847, 2)
    assert parsed.message_for(2) == "rejected"


def _good_entry() -> dict[str, Any]:
    return dict(status_entry(list_url=URL, index=5, purpose="message"))


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"type": "StatusList2021Entry"}, "type"),
        ({"statusPurpose": ""}, "statusPurpose"),
        ({"statusListIndex": 5}, "statusListIndex"),
        ({"statusListIndex": "-5"}, "statusListIndex"),
        ({"statusListIndex": "05"}, "statusListIndex"),
        ({"statusListIndex": "1" * 21}, "statusListIndex"),
        ({"statusListCredential": "relative/path"}, "statusListCredential"),
        ({"id": URL}, "must not be the status list"),
        ({"statusSize": 0}, "statusSize"),
        ({"statusSize": "1"}, "statusSize"),
        ({"statusSize": 2}, "statusMessage must list 4"),
        ({"statusMessage": "x"}, "array"),
        ({"statusMessage": [{"status": "0x0", "message": "a"}]}, "must list 2"),
        ({"statusMessage": [{"status": "1", "message": "a"}, {"status": "0x0"}]}, "hexadecimal"),
        (
            {
                "statusMessage": [
                    {"status": "0x0", "message": "a"},
                    {"status": "0x0", "message": "b"},
                ]
            },
            "exactly once",
        ),
    ],
)
def test_malformed_entries_are_rejected_naming_the_field(
    change: dict[str, Any], reason: str
) -> None:
    entry = {**_good_entry(), **change}
    with pytest.raises(StatusEntryError, match=reason):
        parse_status_entry(entry)


def test_multi_bit_entry_without_messages_is_rejected() -> None:
    entry = {**status_entry(list_url=URL, index=1, purpose="revocation"), "statusSize": 2}
    with pytest.raises(StatusEntryError, match="statusMessage"):
        parse_status_entry(entry)


def test_list_credential_has_the_spec_shape_and_round_trips() -> None:
    bits = StatusBitstring.zeros(131_072)
    document = status_list_credential(
        list_url=URL,
        issuer="did:example:12345",
        purpose="revocation",
        encoded_list=bits.encode(),
        valid_from=NOW,
        valid_until=NOW + timedelta(days=1),
        ttl=timedelta(minutes=5),
    )
    assert document["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert document["credentialSubject"] == {
        "id": f"{URL}#list",
        "type": "BitstringStatusList",
        "statusPurpose": "revocation",
        "encodedList": bits.encode(),
        "ttl": 300000,
    }
    view = parse_status_list(document)
    assert (view.id, view.purposes, view.ttl) == (URL, ("revocation",), timedelta(minutes=5))
    validate_credential(document)


def test_spec_list_examples_parse(vectors_dir: Path) -> None:
    path = vectors_dir / "bitstring-status-list" / "status-list-credential-section-2.2.json"
    view = parse_status_list(json.loads(path.read_text()))
    assert view.issuer_id == "did:example:12345"
    assert StatusBitstring.decode(view.encoded_list).length == 131_072


def _list_doc() -> dict[str, Any]:
    return dict(
        status_list_credential(
            list_url=URL,
            issuer="did:example:1",
            purpose=["revocation", "suspension"],
            encoded_list="uH4sI",
            valid_from=NOW,
        )
    )


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"type": ["VerifiableCredential"]}, "BitstringStatusListCredential"),
        ({"id": None}, "no id"),
        ({"issuer": None}, "not a valid credential"),
        ({"credentialSubject": [{"id": "urn:x"}, {"id": "urn:y"}]}, "one object"),
        (
            {"credentialSubject": {"type": "Other", "statusPurpose": "x", "encodedList": "u"}},
            "type",
        ),
        (
            {
                "credentialSubject": {
                    "type": "BitstringStatusList",
                    "statusPurpose": [],
                    "encodedList": "u",
                }
            },
            "statusPurpose",
        ),
        (
            {"credentialSubject": {"type": "BitstringStatusList", "statusPurpose": "revocation"}},
            "encodedList",
        ),
        (
            {
                "credentialSubject": {
                    "type": "BitstringStatusList",
                    "statusPurpose": "revocation",
                    "encodedList": "u",
                    "ttl": -1,
                }
            },
            "ttl",
        ),
    ],
)
def test_malformed_list_credentials_are_rejected(change: dict[str, Any], reason: str) -> None:
    document = {**_list_doc(), **change}
    document = {k: v for k, v in document.items() if v is not None}
    with pytest.raises(StatusListError, match=reason):
        parse_status_list(document)


def test_signed_list_verifies_and_its_commitment_is_sha256_of_jcs() -> None:
    key = KeyFile.generate(KeyType.P256)
    unsigned = status_list_credential(
        list_url=URL,
        issuer=key.controller,
        purpose="suspension",
        encoded_list=StatusBitstring.zeros(131_072).encode(),
        valid_from=NOW,
    )
    jsonld = JsonLdProcessor()
    signed = sign_status_list(unsigned, key=key, jsonld=jsonld, created=NOW)
    assert "proof" not in unsigned
    checks = verify_proofs(
        signed,
        resolver=default_resolver(),
        jsonld=jsonld,
        purpose=AssertionPurpose(expected_controller=key.controller),
        now=NOW,
    )
    assert all(c.outcome in (Outcome.PASSED, Outcome.SKIPPED) for c in checks)
    assert status_list_commitment(signed) == hashlib.sha256(jcs.canonicalize(signed)).digest()
    with pytest.raises(UsageError):  # only signed documents are committed to
        status_list_commitment(unsigned)


def test_signing_another_issuers_list_is_refused() -> None:
    key = KeyFile.generate(KeyType.ED25519)
    unsigned = status_list_credential(
        list_url=URL,
        issuer="did:example:other",
        purpose="revocation",
        encoded_list="u",
        valid_from=NOW,
    )
    with pytest.raises(UsageError, match="controller"):
        sign_status_list(unsigned, key=key, jsonld=JsonLdProcessor(), created=NOW)


def test_entries_issue_in_a_credential_under_the_v2_context_alone() -> None:
    key = KeyFile.generate(KeyType.ED25519)
    credential: JsonObject = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": key.controller,
        "credentialSubject": {"id": "did:example:child"},
        "credentialStatus": [
            status_entry(list_url=URL, index=1, purpose="revocation"),
            status_entry(list_url=URL.replace("revocation", "message"), index=2, purpose="message"),
        ],
    }
    issue(credential, key=key)  # safe mode: every term is defined


# --- statusReference, message schemes, a list's own statusSize ------------------------

REFERENCE = "https://registrar.example/status-messages"


def test_status_reference_is_a_url_or_an_array_of_urls() -> None:
    one = status_entry(list_url=URL, index=1, purpose="message", reference=REFERENCE)
    assert one["statusReference"] == REFERENCE
    assert parse_status_entry(one).reference == (REFERENCE,)
    urls = (REFERENCE, "https://registrar.example/other")
    two = status_entry(list_url=URL, index=1, purpose="message", reference=urls)
    assert two["statusReference"] == list(urls)
    assert parse_status_entry(two).reference == urls
    assert (
        parse_status_entry(status_entry(list_url=URL, index=1, purpose="message")).reference == ()
    )
    for bad in ([], [REFERENCE, "nope"], [REFERENCE] * 17):
        with pytest.raises(UsageError):
            status_entry(list_url=URL, index=1, purpose="message", reference=bad)


def test_a_message_scheme_reads_the_entry_terms() -> None:
    scheme = parse_message_scheme(
        {
            "statusSize": 2,
            "statusMessage": [m.to_json() for m in reversed(CHILD_ALERT_MESSAGES)],
            "statusReference": REFERENCE,
        }
    )
    assert scheme.status_size == 2
    assert scheme.messages == CHILD_ALERT_MESSAGES  # in status order
    assert scheme.reference == (REFERENCE,)
    one_bit = parse_message_scheme({"statusMessage": [m.to_json() for m in DEFAULT_MESSAGES]})
    assert (one_bit.status_size, one_bit.reference) == (1, ())


@pytest.mark.parametrize(
    "document",
    [
        {"statusSize": 2},
        {"statusSize": 2, "statusMessage": [m.to_json() for m in DEFAULT_MESSAGES]},
        {"statusSize": 9, "statusMessage": []},
        {"statusMessage": [m.to_json() for m in DEFAULT_MESSAGES], "statusReference": "x"},
    ],
)
def test_an_incomplete_message_scheme_is_rejected(document: dict[str, Any]) -> None:
    with pytest.raises(StatusEntryError):
        parse_message_scheme(document)


def test_a_list_may_state_its_status_size_and_messages() -> None:
    document = _list_doc()
    assert (parse_status_list(document).status_size, parse_status_list(document).messages) == (
        None,
        None,
    )
    document["credentialSubject"] = {
        **document["credentialSubject"],
        "statusSize": 2,
        "statusMessages": [m.to_json() for m in CHILD_ALERT_MESSAGES],
    }
    view = parse_status_list(document)
    assert (view.status_size, view.messages) == (2, CHILD_ALERT_MESSAGES)


@pytest.mark.parametrize(
    "extra",
    [
        {"statusSize": 0},
        {"statusSize": "2"},
        {"statusSize": 2, "statusMessages": [m.to_json() for m in DEFAULT_MESSAGES]},
        {"statusMessages": "no alert"},
    ],
)
def test_a_list_with_a_bad_status_size_or_messages_is_rejected(extra: dict[str, Any]) -> None:
    document = _list_doc()
    document["credentialSubject"] = {**document["credentialSubject"], **extra}
    with pytest.raises(StatusListError, match=r"statusSize|statusMessages"):
        parse_status_list(document)
