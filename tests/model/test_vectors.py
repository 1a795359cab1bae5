"""The W3C VCDM 2.0 test-suite inputs against the structural validators.

``*-ok.json`` must validate; ``*-fail.json`` and ``*-fail-or-inject.json``
must raise DataModelError, except the few that only JSON-LD processing can
reject (listed in JSONLD_ONLY with the layer that must catch them).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from vcid.errors import DataModelError
from vcid.model import validate_credential, validate_presentation

CREDENTIAL_INPUTS = [
    "credential-context-combo1-ok.json",
    "credential-context-combo2-ok.json",
    "credential-context-combo3-fail.json",
    "credential-context-combo4-fail.json",
    "credential-evidence-missing-type-fail.json",
    "credential-evidence-ok.json",
    "credential-evidences-ok.json",
    "credential-id-multi-fail.json",
    "credential-id-nonidentifier-fail.json",
    "credential-id-not-url-fail.json",
    "credential-id-other-ok.json",
    "credential-id-single-ok.json",
    "credential-id-subject-multi-fail.json",
    "credential-id-subject-single-ok.json",
    "credential-issuer-no-url-fail.json",
    "credential-issuer-null-fail.json",
    "credential-issuer-object-id-no-url-fail.json",
    "credential-issuer-object-id-null-fail.json",
    "credential-issuer-object-ok.json",
    "credential-missing-base-context-fail-or-inject.json",
    "credential-missing-required-type-fail.json",
    "credential-no-context-fail-or-inject.json",
    "credential-no-issuer-fail.json",
    "credential-no-subject-fail.json",
    "credential-no-type-fail.json",
    "credential-ok.json",
    "credential-optional-type-ok.json",
    "credential-proof-missing-type-fail.json",
    "credential-proof-ok.json",
    "credential-redef-type-fail.json",
    "credential-redef-type2-fail.json",
    "credential-refresh-no-type-fail.json",
    "credential-refresh-ok.json",
    "credential-refresh-type-ok.json",
    "credential-refreshs-ok.json",
    "credential-schema-no-id-fail.json",
    "credential-schema-no-type-fail.json",
    "credential-schema-non-url-id-fail.json",
    "credential-schema-ok.json",
    "credential-schema-type-ok.json",
    "credential-schemas-ok.json",
    "credential-status-missing-id-ok.json",
    "credential-status-missing-type-fail.json",
    "credential-status-multiple-id-fail.json",
    "credential-status-nonurl-id-fail.json",
    "credential-status-ok.json",
    "credential-status-type-nonurl-fail.json",
    "credential-subject-multiple-empty-fail.json",
    "credential-subject-multiple-ok.json",
    "credential-subject-no-claims-fail.json",
    "credential-termsofuse-id-ok.json",
    "credential-termsofuse-missing-type-fail.json",
    "credential-termsofuse-no-type-fail.json",
    "credential-termsofuse-ok.json",
    "credential-termsofuses-ok.json",
    "credential-type-mapped-nonurl-fail.json",
    "credential-type-mapped-url-ok.json",
    "credential-type-unmapped-fail.json",
    "credential-type-url-ok.json",
    "credential-type-urls-order-1-ok.json",
    "credential-type-urls-order-2-ok.json",
    "credential-validUntil-validFrom-fail.json",
    "credential-validUntil-validFrom-ok.json",
    "credential-validfrom-far-future-ok.json",
    "credential-validfrom-invalid-fail.json",
    "credential-validfrom-ms-ok.json",
    "credential-validfrom-tz-ok.json",
    "credential-validuntil-invalid-fail.json",
    "credential-validuntil-ms-ok.json",
    "credential-validuntil-ok.json",
    "credential-validuntil-tz-ok.json",
    "names-and-descriptions/credential-description-extra-prop-en-fail.json",
    "names-and-descriptions/credential-description-language-direction-en-ok.json",
    "names-and-descriptions/credential-description-language-en-ok.json",
    "names-and-descriptions/credential-description-ok.json",
    "names-and-descriptions/credential-description-optional-ok.json",
    "names-and-descriptions/credential-multi-language-description-ok.json",
    "names-and-descriptions/credential-multi-language-name-ok.json",
    "names-and-descriptions/credential-name-extra-prop-en-fail.json",
    "names-and-descriptions/credential-name-language-direction-en-ok.json",
    "names-and-descriptions/credential-name-language-en-ok.json",
    "names-and-descriptions/credential-name-ok.json",
    "names-and-descriptions/credential-name-optional-ok.json",
    "names-and-descriptions/issuer-description-extra-prop-en-fail.json",
    "names-and-descriptions/issuer-description-language-direction-en-ok.json",
    "names-and-descriptions/issuer-description-language-en-ok.json",
    "names-and-descriptions/issuer-description-ok.json",
    "names-and-descriptions/issuer-description-optional-ok.json",
    "names-and-descriptions/issuer-multi-language-description-ok.json",
    "names-and-descriptions/issuer-multi-language-name-ok.json",
    "names-and-descriptions/issuer-name-extra-prop-en-fail.json",
    "names-and-descriptions/issuer-name-language-direction-en-ok.json",
    "names-and-descriptions/issuer-name-language-en-ok.json",
    "names-and-descriptions/issuer-name-ok.json",
    "names-and-descriptions/issuer-name-optional-ok.json",
]

PRESENTATION_INPUTS = [
    "presentation-context-combo1-ok.json",
    "presentation-context-combo2-ok.json",
    "presentation-context-order-fail.json",
    "presentation-enveloped-vc-missing-type-fail.json",
    "presentation-enveloped-vc-ok.json",
    "presentation-holder-fail.json",
    "presentation-holder-name-fail.json",
    "presentation-holder-object-fail.json",
    "presentation-holder-object-ok.json",
    "presentation-holder-ok.json",
    "presentation-id-ok.json",
    "presentation-missing-base-context-fail.json",
    "presentation-missing-required-type-fail.json",
    "presentation-multiple-vc-ok.json",
    "presentation-no-context-fail-or-inject.json",
    "presentation-no-type-fail.json",
    "presentation-ok.json",
    "presentation-optional-type-ok.json",
    "presentation-self-asserted-vc-ok.json",
    "presentation-vc-as-string-fail.json",
    "presentation-vc-missing-required-type-fail.json",
    "presentation-vc-ok.json",
]

# Holder binding of self-asserted credentials (VCDM 2.0 §4.13.4) depends on
# how each credential is secured, so it is the verifier's check, not a
# structural one; the suite itself leaves these "TBD". Structurally valid.
SELF_ASSERTED_INPUTS = [
    "presentation-self-asserted-vc-holder-mismatch.json",
    "presentation-self-asserted-vc-issuer-mismatch.json",
    "presentation-self-asserted-vc-no-holder.json",
]

# Failures only JSON-LD processing can detect: vcid.jsonld must reject them.
JSONLD_ONLY = {
    "credential-redef-type-fail.json": (
        "redefines the protected term VerifiableCredential: the JSON-LD "
        "processor (vcid.jsonld, @protected) must reject it"
    ),
    "credential-redef-type2-fail.json": (
        "redefines a @protected term of an embedded context: the JSON-LD "
        "processor (vcid.jsonld) must reject it"
    ),
    "credential-type-mapped-nonurl-fail.json": (
        "its context maps a type term to a non-URL: only JSON-LD expansion "
        "(vcid.jsonld safe mode) sees the mapping"
    ),
    "credential-type-unmapped-fail.json": (
        '{"@vocab": null} leaves a type term undefined: vcid.jsonld safe '
        "mode must raise UndefinedTermError"
    ),
}


def _cases(names: list[str]) -> list[Any]:
    cases = []
    for name in names:
        marks = []
        if name.rsplit("/", 1)[-1] in JSONLD_ONLY:
            marks.append(
                pytest.mark.xfail(
                    strict=True,
                    reason=JSONLD_ONLY[name],
                    raises=pytest.fail.Exception,
                )
            )
        cases.append(pytest.param(name, marks=marks, id=name))
    return cases


def _load(vectors_dir: Path, name: str) -> dict[str, Any]:
    value = json.loads((vectors_dir / "vc-data-model-2.0" / "input" / name).read_text("utf-8"))
    assert isinstance(value, dict)
    return value


def _expect(name: str, run: Callable[[], object]) -> None:
    if name.endswith("-ok.json"):
        run()
    else:
        assert "-fail" in name
        with pytest.raises(DataModelError):
            run()


@pytest.mark.parametrize("name", _cases(CREDENTIAL_INPUTS))
def test_credential_input(
    vectors_dir: Path,
    name: str,
    prepare_like_suite: Callable[[dict[str, Any]], dict[str, Any]],
) -> None:
    """Each suite credential input validates or is rejected as named."""
    document = prepare_like_suite(_load(vectors_dir, name))
    _expect(name, lambda: validate_credential(document))


@pytest.mark.parametrize("name", _cases(PRESENTATION_INPUTS))
def test_presentation_input(vectors_dir: Path, name: str) -> None:
    """Each suite presentation input validates or is rejected as named."""
    document = _load(vectors_dir, name)
    _expect(name, lambda: validate_presentation(document))


@pytest.mark.parametrize("name", SELF_ASSERTED_INPUTS)
def test_self_asserted_inputs_are_structurally_valid(vectors_dir: Path, name: str) -> None:
    """Holder binding is left to the verifier; the shape is valid."""
    presentation = validate_presentation(_load(vectors_dir, name))
    assert len(presentation.credentials) == 1


def test_every_input_file_is_covered(vectors_dir: Path) -> None:
    """A new or renamed suite input must be added to the lists above."""
    root = vectors_dir / "vc-data-model-2.0" / "input"
    on_disk = {p.relative_to(root).as_posix() for p in root.rglob("*.json")}
    listed = set(CREDENTIAL_INPUTS + PRESENTATION_INPUTS + SELF_ASSERTED_INPUTS)
    assert on_disk == listed


@pytest.mark.parametrize("validate", [validate_credential, validate_presentation])
def test_nonconforming_document_fails(validate: Callable[[Any], object]) -> None:
    """{type: [NonconformingDocument]} is rejected by both validators."""
    with pytest.raises(DataModelError):
        validate({"type": ["NonconformingDocument"]})


def test_enveloped_fixture_is_accepted(vectors_dir: Path) -> None:
    """The suite's enveloped VC fixture is accepted inside a presentation."""
    fixtures = json.loads((vectors_dir / "vc-data-model-2.0" / "fixtures.json").read_text("utf-8"))
    presentation = validate_presentation(
        {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiablePresentation"],
            "verifiableCredential": [fixtures["envelopedCredential"]],
        }
    )
    assert len(presentation.enveloped) == 1
    assert presentation.credentials == ()
