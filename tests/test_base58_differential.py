"""vcid's base58btc decoder gives exactly the ``base58`` package's bytes."""

from __future__ import annotations

import base58
from hypothesis import given
from hypothesis import strategies as st

from vcid.encoding import base58btc_decode, base58btc_encode

ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


@given(st.binary(max_size=80))
def test_round_trip_and_reference(data: bytes) -> None:
    """Decoding any encoding gives the bytes back, as the reference does."""
    text = base58btc_encode(data)
    assert base58btc_decode(text) == data == base58.b58decode(text)


@given(st.text(alphabet=ALPHABET, max_size=120))
def test_any_text_decodes_as_the_reference_does(text: str) -> None:
    """Leading 1s, all-1 and empty texts included."""
    assert base58btc_decode(text) == base58.b58decode(text)
