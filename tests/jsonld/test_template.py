"""Differential tests: proof configurations from templates equal the general path.

:meth:`JsonLdProcessor.canonical_node_nquads` fills a cached, once
canonicalized shape (:mod:`vcid.jsonld.template`); for every configuration it
must give exactly the bytes of a processor that never uses the fast path, or
raise the same error (same class, same message), cold and warm, and whatever
the values it is given after the template was built.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vcid._json import JsonObject
from vcid.errors import VcidError
from vcid.jsonld import JsonLdProcessor, StaticLoader
from vcid.proofs.engine import PROOF_CONFIG_VALUES

from .conftest import BIRTH_CONTEXT_URL, birth_loader
from .test_differential import _vector_documents, _vector_loader

VC_V1 = "https://www.w3.org/2018/credentials/v1"
VC_V2 = "https://www.w3.org/ns/credentials/v2"
DI_V2 = "https://w3id.org/security/data-integrity/v2"


def _outcome(run: Any) -> str | tuple[type[VcidError], str]:
    try:
        result: str = run()
    except VcidError as exc:
        return (type(exc), str(exc))
    return result


def _agree(config: JsonObject, fast: JsonLdProcessor, general: JsonLdProcessor) -> bool:
    """Both paths give the same text or the same error; whether it was text."""
    before = copy.deepcopy(config)
    expected = _outcome(lambda: general.canonical_nquads(config))
    for _ in range(2):
        got = _outcome(lambda: fast.canonical_node_nquads(config, variable=PROOF_CONFIG_VALUES))
        assert got == expected, config
    assert config == before
    return isinstance(expected, str)


def test_vector_proof_configurations(vectors_dir: Path) -> None:
    """Every proof configuration of the spec vectors."""
    loader = _vector_loader(vectors_dir)
    fast, general = JsonLdProcessor(loader), JsonLdProcessor(loader, fast=False)
    compared = 0
    for _, document in _vector_documents(vectors_dir):
        if document.get("type") == "DataIntegrityProof" and "proofValue" not in document:
            _agree(document, fast, general)
            compared += 1
    assert compared >= 10


def _processors(loader: StaticLoader) -> tuple[JsonLdProcessor, JsonLdProcessor]:
    return JsonLdProcessor(loader), JsonLdProcessor(loader, fast=False)


FAST, GENERAL = _processors(birth_loader())

CONTEXTS: list[Any] = [
    [VC_V2],
    [VC_V2, BIRTH_CONTEXT_URL],
    [VC_V1, DI_V2],
    [VC_V2, {"given": "https://schema.org/givenName"}],
    # "did" and "urn" defined as prefixes: IRIs with those schemes expand
    [VC_V2, {"did": "https://example.com/did#", "urn": "https://example.com/urn/"}],
    [VC_V2, {"@vocab": "https://example.com/vocab#"}],
    [VC_V1],  # no Data Integrity terms: undefined terms in safe mode
]
VALUES = st.one_of(
    st.sampled_from(
        [
            "2026-01-05T09:00:00Z",
            "did:key:z6MkvSLqJhFpz9HeuMi8XuMBc97ygbuK2i1DAaSCxUcbXrw9#z6Mk",
            "did://host/path",
            "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
            "https://example.com/keys/1?x=1#k",
            "https://example.com/a b",
            "sec:foo",
            "given:x",
            "_:b0",
            "#key-1",
            "relative",
            "",
            'quote " and \\ backslash',
            "line\nbreak\ttab\r",
            "caf\u00e9 \u4e2d\u6587",
            "http://ex/\u00e9",
            "x\x00y\x7f",
            "vcidslot0x",
            "assertionMethod",
        ]
    ),
    st.text(max_size=12),
    st.integers(),
    st.none(),
    st.lists(st.text(max_size=4), max_size=2),
    st.just({"@id": "did:example:1"}),
)
SUITES = st.sampled_from(["eddsa-rdfc-2022", "ecdsa-rdfc-2019", 7])
PURPOSES = st.sampled_from(["assertionMethod", "authentication", "capabilityInvocation", "x:y"])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    context=st.sampled_from(CONTEXTS),
    suite=SUITES,
    purpose=PURPOSES,
    values=st.dictionaries(st.sampled_from(sorted(PROOF_CONFIG_VALUES)), VALUES, max_size=5),
    proof_type=st.sampled_from(["DataIntegrityProof", "Ed25519Signature2020"]),
)
def test_generated_proof_configurations(
    context: Any, suite: Any, purpose: str, values: dict[str, Any], proof_type: str
) -> None:
    """Random values in shapes whose templates are already cached, and new ones."""
    config: JsonObject = {
        "@context": copy.deepcopy(context),
        "type": proof_type,
        "cryptosuite": suite,
        "proofPurpose": purpose,
        **values,
    }
    _agree(config, FAST, GENERAL)


def test_a_typical_configuration_uses_its_template() -> None:
    """The common case is served from the template (not refused)."""
    fast, general = _processors(birth_loader())
    base: JsonObject = {
        "@context": [VC_V2, BIRTH_CONTEXT_URL],
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "proofPurpose": "assertionMethod",
    }
    for index in range(5):
        config = {
            **base,
            "created": f"2026-01-0{index + 1}T09:00:00Z",
            "verificationMethod": f"did:key:z6Mk{index}#z6Mk{index}",
            "challenge": f'c"{index}\n',
        }
        assert _agree(config, fast, general)
    templates = fast._templates
    assert templates is not None
    assert len(templates._templates) == 1
    (template,) = [templates._templates.get(k) for k in list(templates._templates._data)]
    assert isinstance(template, list)
