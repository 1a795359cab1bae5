"""The anchoring suite, run on in-process eth-tester and on a real local anvil node."""

from __future__ import annotations

import hashlib
import threading
from typing import Any

import pytest
from eth_account.signers.local import LocalAccount
from hexbytes import HexBytes
from web3 import Web3

from tests.ledger.evm_node import (  # noqa: F401 - fixtures
    anvil_url_fixture,
    funded_account,
    mine,
    w3_fixture,
)
from tests.services import free_port
from vcid.errors import AnchorError, AnchorMismatch, AnchorRejected, UsageError
from vcid.ledger.anchor import AnchorRef, AnchorSink, log_id_hash
from vcid.ledger.evm import EVMAnchor, contract_build, deploy

ORIGIN = "registry.example/civil-registry/log-1"
GAS_BOUND = 120_000


def root_of(n: int) -> bytes:
    return hashlib.sha256(b"root %d" % n).digest()


def make_sink(w3: Web3, **options: Any) -> tuple[EVMAnchor, LocalAccount]:
    account = funded_account(w3)
    address = deploy(w3, account)
    return EVMAnchor(w3, contract_address=address, account=account, **options), account


def receipt_of(w3: Web3, ref: AnchorRef) -> Any:
    return w3.eth.get_transaction_receipt(ref.tx_hash)  # type: ignore[arg-type]


def test_deploy_puts_the_packaged_runtime_code_at_a_lowercase_address(w3: Web3) -> None:
    account = funded_account(w3)
    address = deploy(w3, account)
    assert address == address.lower()
    assert len(address) == 42
    code = w3.eth.get_code(Web3.to_checksum_address(address))
    assert bytes(code) == contract_build().deployed_bytecode
    (deploy_tx,) = w3.eth.get_block("latest")["transactions"]
    assert isinstance(deploy_tx, bytes)
    deploy_receipt = w3.eth.get_transaction_receipt(HexBytes(deploy_tx))
    assert str(deploy_receipt["contractAddress"]).lower() == address
    assert deploy_receipt["gasUsed"] < 400_000


def test_anchor_is_read_back_and_found(w3: Web3) -> None:
    sink, account = make_sink(w3)
    _: AnchorSink = sink  # EVMAnchor implements the protocol
    ref = sink.anchor(origin=ORIGIN, tree_size=7, root=root_of(7))
    assert ref.kind == "evm"
    assert ref.chain_id == w3.eth.chain_id
    assert ref.contract == sink.contract_address
    assert ref.submitter == account.address.lower()
    assert ref.log_id_hash == log_id_hash(ORIGIN)
    assert (ref.tree_size, ref.root) == (7, root_of(7))
    receipt = receipt_of(w3, ref)
    assert receipt["blockNumber"] == ref.block_number
    assert "0x" + bytes(receipt["transactionHash"]).hex() == ref.tx_hash
    assert ref.matches(origin=ORIGIN, tree_size=7, root=root_of(7))
    assert AnchorRef.from_json(ref.to_json()) == ref
    # The contract's own views agree.
    contract = w3.eth.contract(address=Web3.to_checksum_address(ref.contract), abi=sink_abi())
    log_id = bytes.fromhex(ref.log_id_hash[2:])
    assert contract.functions.rootAt(account.address, log_id, 7).call() == root_of(7)
    assert contract.functions.anchoredAt(account.address, log_id, 7).call() == ref.block_number
    assert contract.functions.latestTreeSize(account.address, log_id).call() == 7
    assert sink.latest_tree_size(origin=ORIGIN) == 7
    # find_anchor returns the same reference; unanchored sizes and logs find nothing.
    assert sink.find_anchor(origin=ORIGIN, tree_size=7) == ref
    assert sink.find_anchor(origin=ORIGIN, tree_size=6) is None
    assert sink.find_anchor(origin=ORIGIN + "-other", tree_size=7) is None


def sink_abi() -> list[Any]:
    return list(contract_build().abi)


def test_the_event_carries_the_tree_head(w3: Web3) -> None:
    sink, account = make_sink(w3)
    ref = sink.anchor(origin=ORIGIN, tree_size=3, root=root_of(3))
    contract = w3.eth.contract(address=Web3.to_checksum_address(ref.contract), abi=sink_abi())
    (event,) = contract.events.TreeHead().process_receipt(receipt_of(w3, ref))
    block = w3.eth.get_block(ref.block_number)
    assert event["args"]["logId"] == bytes.fromhex(ref.log_id_hash[2:])
    assert event["args"]["submitter"] == account.address
    assert event["args"]["treeSize"] == 3
    assert event["args"]["root"] == root_of(3)
    assert event["args"]["blockNumber"] == ref.block_number
    assert event["args"]["timestamp"] == block["timestamp"]
    assert event["logIndex"] == ref.log_index


def test_calldata_is_exactly_log_id_size_and_root(w3: Web3) -> None:
    sink, _account = make_sink(w3)
    ref = sink.anchor(origin=ORIGIN, tree_size=42, root=root_of(42))
    tx = w3.eth.get_transaction(ref.tx_hash)  # type: ignore[arg-type]
    data = bytes(tx["input"])
    assert len(data) == 4 + 3 * 32  # selector and three words: nothing else is sent
    assert tx["value"] == 0
    assert tx["to"].lower() == sink.contract_address
    contract = w3.eth.contract(abi=sink_abi())
    function, args = contract.decode_function_input(data)
    assert function.abi_element_identifier == "anchorTreeHead(bytes32,uint64,bytes32)"
    assert args == {
        "logId": hashlib.sha256(ORIGIN.encode()).digest(),
        "treeSize": 42,
        "root": root_of(42),
    }
    assert ORIGIN.encode() not in data


@pytest.mark.parametrize("size", [5, 4, 1])
def test_a_tree_size_that_does_not_grow_is_rejected(w3: Web3, size: int) -> None:
    sink, _ = make_sink(w3)
    sink.anchor(origin=ORIGIN, tree_size=5, root=root_of(5))
    with pytest.raises(AnchorRejected, match="does not exceed the latest anchored size 5"):
        sink.anchor(origin=ORIGIN, tree_size=size, root=root_of(100 + size))
    assert sink.latest_tree_size(origin=ORIGIN) == 5
    # The rejection used no nonce: the sequence continues.
    assert sink.anchor(origin=ORIGIN, tree_size=6, root=root_of(6)).tree_size == 6


def test_a_duplicate_tree_head_is_rejected(w3: Web3) -> None:
    sink, _ = make_sink(w3)
    sink.anchor(origin=ORIGIN, tree_size=9, root=root_of(9))
    with pytest.raises(AnchorRejected, match="duplicate"):
        sink.anchor(origin=ORIGIN, tree_size=9, root=root_of(9))


def test_a_zero_root_is_rejected(w3: Web3) -> None:
    sink, _ = make_sink(w3)
    with pytest.raises(AnchorRejected, match="zero root"):
        sink.anchor(origin=ORIGIN, tree_size=1, root=bytes(32))
    assert sink.find_anchor(origin=ORIGIN, tree_size=1) is None


def test_two_accounts_anchor_the_same_log_independently(w3: Web3) -> None:
    sink_a, account_a = make_sink(w3)
    account_b = funded_account(w3)
    sink_b = EVMAnchor(w3, contract_address=sink_a.contract_address, account=account_b)
    ref_a = sink_a.anchor(origin=ORIGIN, tree_size=10, root=root_of(10))
    ref_b_small = sink_b.anchor(origin=ORIGIN, tree_size=4, root=root_of(4))
    ref_b = sink_b.anchor(origin=ORIGIN, tree_size=10, root=root_of(10))
    assert ref_b_small.submitter == ref_b.submitter == account_b.address.lower()
    assert sink_a.find_anchor(origin=ORIGIN, tree_size=10) == ref_a
    assert sink_b.find_anchor(origin=ORIGIN, tree_size=10) == ref_b
    assert sink_a.find_anchor(origin=ORIGIN, tree_size=4) is None
    # A read-only sink finds one submitter's anchors, and cannot write.
    reader = EVMAnchor(w3, contract_address=sink_a.contract_address, submitter=account_a.address)
    assert reader.find_anchor(origin=ORIGIN, tree_size=10) == ref_a
    with pytest.raises(UsageError, match="read-only"):
        reader.anchor(origin=ORIGIN, tree_size=11, root=root_of(11))


def test_twenty_sequential_anchors_use_one_nonce_sequence(w3: Web3) -> None:
    sink, account = make_sink(w3)
    start = w3.eth.get_transaction_count(account.address)
    refs = [sink.anchor(origin=ORIGIN, tree_size=n, root=root_of(n)) for n in range(1, 21)]
    assert w3.eth.get_transaction_count(account.address) == start + 20
    assert len({r.tx_hash for r in refs}) == 20
    assert [r.tree_size for r in refs] == list(range(1, 21))
    assert sink.latest_tree_size(origin=ORIGIN) == 20
    nonces = [w3.eth.get_transaction(r.tx_hash)["nonce"] for r in refs]  # type: ignore[arg-type]
    assert nonces == list(range(start, start + 20))


def test_concurrent_anchors_with_one_key_get_distinct_nonces(w3: Web3) -> None:
    sink, account = make_sink(w3)
    # A second sink with the same key shares the key's nonce sequence.
    twin = EVMAnchor(w3, contract_address=sink.contract_address, account=account)
    start = w3.eth.get_transaction_count(account.address)
    threads, per_thread = 6, 3
    refs: list[AnchorRef] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work(i: int) -> None:
        target = sink if i % 2 else twin
        try:
            for n in range(1, per_thread + 1):
                ref = target.anchor(origin=f"{ORIGIN}/{i}", tree_size=n, root=root_of(n))
                with lock:
                    refs.append(ref)
        except BaseException as exc:  # reported below
            with lock:
                errors.append(exc)

    workers = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert not errors, errors
    assert len(refs) == threads * per_thread
    assert w3.eth.get_transaction_count(account.address) == start + threads * per_thread
    for i in range(threads):
        assert sink.latest_tree_size(origin=f"{ORIGIN}/{i}") == per_thread


def test_the_sequencer_resyncs_after_the_key_is_used_elsewhere(w3: Web3) -> None:
    sink, account = make_sink(w3)
    sink.anchor(origin=ORIGIN, tree_size=1, root=root_of(1))
    # Another program spends the next nonce with the same key.
    nonce = w3.eth.get_transaction_count(account.address, "pending")
    block = w3.eth.get_block("latest")
    tip = w3.eth.max_priority_fee
    external = account.sign_transaction(
        {
            "to": account.address,
            "value": 1,
            "gas": 21_000,
            "nonce": nonce,
            "chainId": w3.eth.chain_id,
            "maxPriorityFeePerGas": tip,
            "maxFeePerGas": 2 * block["baseFeePerGas"] + tip,
        }
    )
    w3.eth.wait_for_transaction_receipt(w3.eth.send_raw_transaction(external.raw_transaction))
    ref = sink.anchor(origin=ORIGIN, tree_size=2, root=root_of(2))
    tx = w3.eth.get_transaction(ref.tx_hash)  # type: ignore[arg-type]
    assert tx["nonce"] == nonce + 1


def test_gas_per_anchor_is_bounded(w3: Web3) -> None:
    sink, _ = make_sink(w3)
    first = receipt_of(w3, sink.anchor(origin=ORIGIN, tree_size=1, root=root_of(1)))
    later = receipt_of(w3, sink.anchor(origin=ORIGIN, tree_size=2, root=root_of(2)))
    assert first["gasUsed"] < GAS_BOUND
    assert later["gasUsed"] < first["gasUsed"]


def test_an_anchor_is_final_once_mined_by_default(w3: Web3) -> None:
    sink, _ = make_sink(w3)
    ref = sink.anchor(origin=ORIGIN, tree_size=1, root=root_of(1))
    status = sink.status(ref)
    assert (status.confirmations, status.final) == (1, True)
    mine(w3, 2)
    assert sink.status(ref).confirmations == 3


def test_finality_waits_for_the_configured_confirmations(w3: Web3) -> None:
    sink, _ = make_sink(w3, confirmations_for_finality=3)
    ref = sink.anchor(origin=ORIGIN, tree_size=1, root=root_of(1))
    assert (sink.status(ref).confirmations, sink.status(ref).final) == (1, False)
    mine(w3, 1)
    assert sink.status(ref).final is False
    mine(w3, 1)
    status = sink.status(ref)
    assert (status.confirmations, status.final) == (3, True)


def test_finality_follows_the_finalized_tag(w3: Web3) -> None:
    sink, _ = make_sink(w3, use_finalized_tag=True)
    ref = sink.anchor(origin=ORIGIN, tree_size=1, root=root_of(1))
    finalized = w3.eth.get_block("finalized")["number"]
    assert sink.status(ref).final is (finalized >= ref.block_number)
    for _ in range(20):  # anvil finalizes 64 blocks behind the head
        if w3.eth.get_block("finalized")["number"] >= ref.block_number:
            break
        assert sink.status(ref).final is False
        mine(w3, 8)
    assert w3.eth.get_block("finalized")["number"] >= ref.block_number
    assert sink.status(ref).final is True


def test_status_of_a_missing_transaction_is_not_anchored(w3: Web3) -> None:
    sink, _ = make_sink(w3)
    ref = sink.anchor(origin=ORIGIN, tree_size=1, root=root_of(1))
    ghost = AnchorRef.from_json({**ref.to_json(), "txHash": "0x" + "ab" * 32})
    status = sink.status(ghost)
    assert (status.confirmations, status.final) == (0, False)
    moved = AnchorRef.from_json({**ref.to_json(), "blockNumber": ref.block_number + 1})
    assert sink.status(moved).final is False


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("root", "0x" + "cd" * 32),
        ("treeSize", 2),
        ("logIdHash", "0x" + "ef" * 32),
        ("submitter", "0x" + "12" * 20),
        ("logIndex", 1),
    ],
)
def test_status_of_a_forged_reference_fails(w3: Web3, field: str, value: object) -> None:
    sink, _ = make_sink(w3)
    ref = sink.anchor(origin=ORIGIN, tree_size=1, root=root_of(1))
    forged = AnchorRef.from_json({**ref.to_json(), field: value})
    with pytest.raises(AnchorMismatch):
        sink.status(forged)


def test_status_refuses_a_reference_from_elsewhere(w3: Web3) -> None:
    sink, _ = make_sink(w3)
    ref = sink.anchor(origin=ORIGIN, tree_size=1, root=root_of(1))
    for change in ({"chainId": ref.chain_id + 1}, {"contract": "0x" + "34" * 20}, {"kind": "x"}):
        with pytest.raises(UsageError):
            sink.status(AnchorRef.from_json({**ref.to_json(), **change}))


def test_an_address_without_the_contract_is_refused(w3: Web3) -> None:
    account = funded_account(w3)
    sink = EVMAnchor(w3, contract_address=account.address, account=account)
    with pytest.raises(AnchorError, match="does not hold the VcidAnchor contract"):
        sink.anchor(origin=ORIGIN, tree_size=1, root=root_of(1))
    with pytest.raises(AnchorError, match="does not hold the VcidAnchor contract"):
        sink.find_anchor(origin=ORIGIN, tree_size=1)


def test_an_unreachable_node_is_an_anchor_error() -> None:
    w3 = Web3(Web3.HTTPProvider(f"http://127.0.0.1:{free_port()}", request_kwargs={"timeout": 2}))
    sink = EVMAnchor(w3, contract_address="0x" + "11" * 20, submitter="0x" + "22" * 20)
    with pytest.raises(AnchorError):
        sink.find_anchor(origin=ORIGIN, tree_size=1)


def test_bad_options_are_usage_errors() -> None:
    w3 = Web3(Web3.HTTPProvider("http://127.0.0.1:9"))
    good = "0x" + "11" * 20
    with pytest.raises(UsageError):
        EVMAnchor(w3, contract_address="0x1234", submitter=good)
    with pytest.raises(UsageError, match="checksum"):
        EVMAnchor(w3, contract_address="0x" + "aB" * 20, submitter=good)
    with pytest.raises(UsageError, match="account"):
        EVMAnchor(w3, contract_address=good)
    with pytest.raises(UsageError):
        EVMAnchor(w3, contract_address=good, submitter=good, confirmations_for_finality=-1)
    with pytest.raises(UsageError):
        EVMAnchor(w3, contract_address=good, submitter=good, receipt_timeout=0)
    with pytest.raises(UsageError):
        EVMAnchor("not web3", contract_address=good, submitter=good)  # type: ignore[arg-type]
    sink = EVMAnchor(w3, contract_address=good.upper().replace("0X", "0x"), submitter=good)
    assert sink.contract_address == good
    with pytest.raises(UsageError):
        sink.find_anchor(origin="", tree_size=1)
    with pytest.raises(UsageError):
        sink.find_anchor(origin=ORIGIN, tree_size=-1)


def test_the_repr_names_no_key(w3: Web3) -> None:
    sink, account = make_sink(w3)
    text = repr(sink)
    assert account.key.hex() not in text
    assert account.address.lower() in text
