"""ProofOptions validation and proof date-times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vcid.errors import InvalidProof, UsageError
from vcid.proofs import ProofOptions
from vcid.proofs.options import format_datetime, parse_datetime

VM = "did:key:z6Mk#z6Mk"


def test_defaults() -> None:
    options = ProofOptions(VM)
    assert options.proof_purpose == "assertionMethod"
    assert options.created is None
    assert options.previous_proof_ids == ()
    assert ProofOptions(VM, previous_proof="urn:a").previous_proof_ids == ("urn:a",)
    assert ProofOptions(VM, previous_proof=("urn:a", "urn:b")).previous_proof_ids == (
        "urn:a",
        "urn:b",
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        {"created": datetime(2024, 1, 1)},
        {"expires": datetime(2024, 1, 1)},
        {"created": "2024-01-01T00:00:00Z"},
        {
            "created": datetime(2024, 1, 2, tzinfo=UTC),
            "expires": datetime(2024, 1, 1, tzinfo=UTC),
        },
        {"challenge": ""},
        {"domain": ()},
        {"domain": ("a", "a")},
        {"domain": ["a"]},
        {"previous_proof": ("",)},
        {"id": "urn:x", "previous_proof": "urn:x"},
        {"nonce": "x" * 5000},
        {"proof_purpose": ""},
    ],
)
def test_invalid_options(kwargs: dict[str, object]) -> None:
    with pytest.raises(UsageError):
        ProofOptions(VM, **kwargs)  # type: ignore[arg-type]


def test_empty_verification_method() -> None:
    with pytest.raises(UsageError):
        ProofOptions("")


def test_format_datetime() -> None:
    moment = datetime(2024, 2, 29, 23, 30, 15, 999999, tzinfo=timezone(timedelta(hours=-2)))
    assert format_datetime(moment) == "2024-03-01T01:30:15Z"
    with pytest.raises(UsageError):
        format_datetime(datetime(2024, 1, 1))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-02-24T23:36:38Z", datetime(2023, 2, 24, 23, 36, 38, tzinfo=UTC)),
        ("2023-02-24T23:36:38", datetime(2023, 2, 24, 23, 36, 38, tzinfo=UTC)),
        (
            "2023-02-24T23:36:38.25Z",
            datetime(2023, 2, 24, 23, 36, 38, 250000, tzinfo=UTC),
        ),
        (
            "2023-02-24T23:36:38.1234567891+01:00",
            datetime(2023, 2, 24, 22, 36, 38, 123456, tzinfo=UTC),
        ),
        ("2023-02-24T23:36:38-14:00", datetime(2023, 2, 25, 13, 36, 38, tzinfo=UTC)),
    ],
)
def test_parse_datetime(text: str, expected: datetime) -> None:
    assert parse_datetime(text, field_name="created") == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "2023-02-24",
        "2023-02-24 23:36:38Z",
        "2023-02-30T00:00:00Z",
        "2023-02-24T23:60:00Z",
        "2023-02-24T23:36:38+15:00",
        "2023-02-24T23:36:38+01:60",
        "2023-02-24T23:36:38z",
        "0000-01-01T00:00:00Z",
        "+2023-02-24T23:36:38Z",
        "\uff12\uff10\uff12\uff13-02-24T23:36:38Z",  # full-width digits
        "2023-02-24T23:36:38.Z",
        "2023-02-24T23:36:38Z\n",
        20230224,
        None,
    ],
)
def test_parse_datetime_rejects(text: object) -> None:
    with pytest.raises(InvalidProof):
        parse_datetime(text, field_name="created")


@given(
    st.datetimes(
        min_value=datetime(1, 1, 2),
        max_value=datetime(9999, 12, 30),
        timezones=st.just(UTC),
    )
)
def test_format_then_parse_round_trips(moment: datetime) -> None:
    text = format_datetime(moment)
    assert parse_datetime(text, field_name="created") == moment.replace(microsecond=0)


@given(st.text(max_size=40))
def test_parse_never_raises_anything_else(text: str) -> None:
    try:
        value = parse_datetime(text, field_name="expires")
    except InvalidProof:
        return
    assert value.tzinfo is not None
