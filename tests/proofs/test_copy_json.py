"""copy_json gives what copy.deepcopy gives for parsed JSON, sharing nothing mutable."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from vcid.proofs.engine import copy_json

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=40,
)


def _mutables(value: Any) -> list[int]:
    if isinstance(value, dict):
        return [id(value), *(i for item in value.values() for i in _mutables(item))]
    if isinstance(value, list):
        return [id(value), *(i for item in value for i in _mutables(item))]
    return []


@given(JSON)
def test_same_as_deepcopy(value: Any) -> None:
    """Equal to the deep copy, and no dict or list is shared with the input."""
    copied = copy_json(value)
    assert copied == copy.deepcopy(value)
    assert not set(_mutables(copied)) & set(_mutables(value))


def test_other_objects_are_deep_copied() -> None:
    """A value that is not JSON is still copied (by copy.deepcopy)."""
    inner = {"a": [1]}
    odd = (inner,)
    copied: Any = copy_json({"x": odd})  # type: ignore[dict-item]
    assert copied == {"x": odd}
    assert copied["x"][0] is not inner
