"""End to end on a real EVM (eth-tester in process, and a local anvil node):
issue, log, checkpoint, anchor, and verify the receipt with the chain as anchor reader."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

pytest.importorskip("web3")

from web3 import Web3

from tests.ledger.evm_node import (  # noqa: F401 - fixtures
    anvil_url_fixture,
    funded_account,
    w3_fixture,
)
from tests.ledger.test_receipt import CREDENTIAL, ENVIRONMENT, REGISTRAR, build_log
from vcid.cli import main
from vcid.ledger import Ledger, SQLiteLog, check_receipt, receipt_for
from vcid.ledger.entry import credential_commitment
from vcid.ledger.evm import EVMAnchor, deploy
from vcid.report import Outcome, Verdict, VerificationReport

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def test_an_anchored_receipt_verifies_with_the_chain_as_reader(w3: Web3, tmp_path: Path) -> None:
    account = funded_account(w3)
    address = deploy(w3, account)
    log = build_log(tmp_path / "log.db")
    ledger = Ledger(log, EVMAnchor(w3, contract_address=address, account=account))
    ref = ledger.anchor()
    assert ref.kind == "evm"
    receipt = receipt_for(log, credential_commitment(CREDENTIAL))
    assert receipt.anchors == (ref,)

    reader = EVMAnchor(w3, contract_address=address, submitter=account.address.lower())
    checks = check_receipt(
        CREDENTIAL,
        receipt.to_json(),
        environment=ENVIRONMENT,
        issuer=REGISTRAR.controller,
        anchor_reader=reader,
        now=T0 + timedelta(days=1),
    )
    report = VerificationReport("receipt", checks)
    assert report.verdict is Verdict.VALID, report.to_text()
    assert {c.name: c.outcome for c in checks}["ledger.anchor"] is Outcome.PASSED

    # A later checkpoint that was never anchored: the anchor check cannot decide.
    log.append_credential(b"\x05" * 32, issued_at=T0)
    log.checkpoint(REGISTRAR.signer, now=T0 + timedelta(hours=1))
    fresh = receipt_for(log, credential_commitment(CREDENTIAL))
    checks = check_receipt(
        CREDENTIAL,
        fresh,
        environment=ENVIRONMENT,
        issuer=REGISTRAR.controller,
        anchor_reader=reader,
        now=T0 + timedelta(days=1),
    )
    assert {c.name: c.outcome for c in checks}["ledger.anchor"] is Outcome.INDETERMINATE


def test_the_anchor_command_anchors_the_latest_checkpoint_on_a_node(
    anvil_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    w3 = Web3(Web3.HTTPProvider(anvil_url, request_kwargs={"timeout": 30}))
    account = funded_account(w3)
    address = deploy(w3, account)
    key_file = tmp_path / "submitter.hex"
    key_file.write_text("0x" + bytes(account.key).hex() + "\n")
    log = build_log(tmp_path / "log.db")
    log.close()
    args = ["ledger", "anchor", "--db", str(tmp_path / "log.db"), "--rpc", anvil_url,
            "--contract", address, "--eth-key", str(key_file)]  # fmt: skip
    assert main(args) == 0
    ref = json.loads(capsys.readouterr().out)
    assert (ref["kind"], ref["treeSize"], ref["submitter"]) == ("evm", 10, account.address.lower())
    assert main(args) == 0  # the same checkpoint again: found, not anchored twice
    assert json.loads(capsys.readouterr().out) == ref
    with SQLiteLog.open(tmp_path / "log.db") as reopened:
        assert [
            a.to_json() for a in receipt_for(reopened, credential_commitment(CREDENTIAL)).anchors
        ] == [ref]
