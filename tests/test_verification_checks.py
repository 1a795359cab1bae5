"""docs/verification-checks.md names exactly the codes and checks vcid reports."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

import vcid.demo
from tests.conftest import ROOT
from vcid import KeyFile, KeyType, errors, issue, present, verify
from vcid.border import ChallengeStore, verify_response
from vcid.errors import CHECK_CODES, CODES
from vcid.report import VerificationReport
from vcid.verifier import CredentialVerifier

DOC = ROOT / "docs" / "verification-checks.md"
_CODE = re.compile(r"`([A-Z][A-Z0-9_]+)`")
_NAME = re.compile(r"`([a-z][a-z_.\[\]<>…]*)`")
#: The outcome each non-error code gives a check.
_NON_ERROR_OUTCOMES = {
    errors.OK: "passed",
    errors.SKIPPED: "skipped",
    errors.MISSING_CHILD_ALERT: "alert",
    errors.STATUS_MESSAGE: "alert",
}
#: Documented checks that the scenarios below do not produce.
#: (ledger.retired_key needs a did:webvh history: tests/test_webvh_history.py.)
_NOT_EXERCISED = {"presentation.enveloped", "ledger.retired_key"}


def _sections() -> dict[str, list[list[str]]]:
    """Each ``## `` section's table rows, as lists of cells (header rows left out)."""
    sections: dict[str, list[list[str]]] = {}
    rows: list[list[str]] = []
    for line in DOC.read_text("utf-8").splitlines():
        if line.startswith("## "):
            rows = sections.setdefault(line[3:].strip(), [])
        elif line.startswith("|") and not line.startswith(("| check |", "| code |", "|---")):
            rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return sections


def _code_rows() -> list[list[str]]:
    return _sections()["Codes"]


def test_the_doc_names_only_codes_that_exist() -> None:
    """A code named anywhere on the page (a check's codes, the prose) is in the registry."""
    named = set(_CODE.findall(DOC.read_text("utf-8")))
    assert named - CHECK_CODES == set()


def test_the_codes_table_lists_every_check_code_once() -> None:
    """The Codes table has one row per code in CHECK_CODES, and nothing else."""
    listed = [_CODE.fullmatch(row[0]) for row in _code_rows()]
    codes = [match.group(1) for match in listed if match is not None]
    assert len(codes) == len(_code_rows()), "a Codes row does not start with one `CODE`"
    assert len(codes) == len(set(codes)), "a code is listed twice"
    assert set(codes) == CHECK_CODES


@pytest.mark.parametrize("row", _code_rows(), ids=lambda row: row[0].strip("`"))
def test_each_code_has_its_outcome_and_a_meaning(row: list[str]) -> None:
    """The outcome column matches the error's branch; the meaning is one line."""
    code, outcome, meaning = row[0].strip("`"), row[1], row[2]
    cls = CODES[code]
    if cls is None:
        assert outcome == _NON_ERROR_OUTCOMES[code]
    elif issubclass(cls, errors.IndeterminateError):
        assert outcome == "indeterminate"
    elif issubclass(cls, errors.InvalidError):
        assert outcome == "failed"
    else:  # a UsageError from a step fails; UNSUPPORTED is also reported indeterminate
        assert "failed" in outcome
    assert meaning


def _documented_patterns() -> list[re.Pattern[str]]:
    """Regular expressions for the check names in the check tables' first column."""
    sections = _sections()
    credential_names = [
        name
        for title, rows in sections.items()
        if title.startswith("Credential checks")
        for row in rows
        for name in _NAME.findall(row[0])
    ]
    steps = "|".join(
        name.removeprefix("proof[i].") for name in credential_names if name.startswith("proof[i].")
    )

    def regex(name: str) -> str:
        text = re.escape(name)
        text = text.replace(re.escape("[i]"), r"\[\d+\]")
        text = text.replace(re.escape(".<purpose>"), r"(?:\.[a-z]+)?")
        return text.replace(re.escape("<step>"), f"(?:{steps}|challenge|domain)")

    credential = "|".join(regex(name) for name in credential_names)
    patterns = [f"(?:{credential})"]
    for row in sections["Presentation checks (in order)"]:
        for name in _NAME.findall(row[0]):
            if name == "credential[i].<check>":
                patterns.append(rf"credential\[\d+\]\.(?:{credential})")
            else:
                patterns.append(regex(name))
    return [re.compile(pattern) for pattern in patterns]


def _reports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[VerificationReport]:
    """The demo's reports (status, receipts, an alert, a forgery), a presentation
    verified without an expected challenge, and one answering a border post's request."""
    reports: list[VerificationReport] = []
    monkeypatch.setattr(vcid.demo, "_print", lambda out, report, elapsed: reports.append(report))
    assert vcid.demo.run(io.StringIO(), workdir=tmp_path) == 0
    registrar = KeyFile.generate(KeyType.ED25519)
    holder = KeyFile.generate(KeyType.ED25519)
    credential = issue(
        {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "issuer": registrar.controller,
            "credentialSubject": {"id": holder.controller, "name": "example"},
        },
        key=registrar,
    )
    reports.append(verify(present([credential], key=holder, challenge="nonce")))
    with ChallengeStore(tmp_path / "post.db") as store:
        request = store.issue(domain="border.example")
        answer = present(
            [credential], key=holder, challenge=request.challenge, domain="border.example"
        )
        reports.append(
            verify_response(
                answer, store=store, domain="border.example", verifier=CredentialVerifier()
            )
        )
    return reports


def test_every_reported_check_name_is_documented(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each check name the verifier reports matches a documented name, and each
    documented name (but the ones not exercised here) is reported."""
    patterns = _documented_patterns()
    names = {check.name for report in _reports(tmp_path, monkeypatch) for check in report.checks}
    undocumented = {name for name in names if not any(p.fullmatch(name) for p in patterns)}
    assert undocumented == set()
    assert "presentation.challenge" in names
    documented = {
        name
        for title, rows in _sections().items()
        if title not in {"Codes", "The report's structure"}
        for row in rows
        for name in _NAME.findall(row[0])
    }
    unseen = {
        name
        for name in documented
        if not any(_documented_name_matches(name, seen) for seen in names)
    }
    assert unseen == _NOT_EXERCISED


def _documented_name_matches(documented: str, name: str) -> bool:
    """Whether a reported ``name`` is an instance of one ``documented`` name."""
    text = re.escape(documented).replace(re.escape("[i]"), r"\[\d+\]")
    text = text.replace(re.escape(".<purpose>"), r"(?:\.[a-z]+)?")
    text = text.replace(re.escape("<step>"), r"[a-z_]+").replace(re.escape("<check>"), r".+")
    # Credential checks also appear inside presentations, as credential[i].<name>.
    return re.fullmatch(rf"(?:credential\[\d+\]\.)?{text}", name) is not None
