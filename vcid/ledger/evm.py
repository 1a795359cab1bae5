"""Anchoring checkpoints on an EVM chain through the ``VcidAnchor`` contract.

Only ``(SHA-256(origin), tree size, root)`` goes on chain, through
``anchorTreeHead(bytes32,uint64,bytes32)``. Transactions are built here,
signed locally with eth-account and sent raw (``eth_sendRawTransaction``), so
the node never holds a key (Besu, EBSI's Ledger API). Each key has one nonce
sequence in this process: a lock and a local counter, resynchronised from the
node's ``pending`` count on a nonce error.

Lookups use the contract's view functions (``anchoredAt``, ``rootAt``) and then
read the logs of that one block, never an unbounded ``eth_getLogs``.

The contract build (ABI, bytecode, solc 0.8.37, optimizer 200 runs, EVM
``paris``) ships in ``vcid/ledger/contracts/VcidAnchor.json``; before use, the
code at the contract address is compared with the build's runtime bytecode, so
a look-alike contract cannot fake anchors.

This module needs web3.py (``pip install 'vcid[evm]'``); nothing else in vcid
imports it.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any, TypeVar

from vcid.errors import (
    AnchorError,
    AnchorMismatch,
    AnchorRejected,
    UnsupportedError,
    UsageError,
)
from vcid.ledger.anchor import (
    AnchorRef,
    AnchorStatus,
    _check_root,
    _check_tree_size,
    log_id_hash,
)

try:
    from eth_account.signers.local import LocalAccount
    from hexbytes import HexBytes
    from web3 import Web3
    from web3.exceptions import (
        ContractLogicError,
        TimeExhausted,
        TransactionNotFound,
        Web3Exception,
        Web3RPCError,
    )
except ImportError:  # pragma: no cover - exercised in a subprocess test
    raise UnsupportedError("vcid.ledger.evm needs web3.py: pip install 'vcid[evm]'") from None

__all__ = [
    "EVM_KIND",
    "EXPECTED_ERRORS",
    "EXPECTED_EVENTS",
    "EXPECTED_FUNCTIONS",
    "ContractBuild",
    "EVMAnchor",
    "contract_build",
    "deploy",
]

#: The ``kind`` of an :class:`~vcid.ledger.anchor.AnchorRef` written here.
EVM_KIND = "evm"

#: The contract interface this module relies on (canonical ABI signatures).
EXPECTED_FUNCTIONS = frozenset(
    {
        "anchorTreeHead(bytes32,uint64,bytes32)",
        "latestTreeSize(address,bytes32)",
        "rootAt(address,bytes32,uint64)",
        "anchoredAt(address,bytes32,uint64)",
    }
)
#: Events, with the indexed flag of each input.
EXPECTED_EVENTS: Mapping[str, tuple[bool, ...]] = {
    "TreeHead(bytes32,address,uint64,bytes32,uint256,uint256)": (
        True,
        True,
        False,
        False,
        False,
        False,
    ),
}
EXPECTED_ERRORS = frozenset(
    {
        "DuplicateTreeHead(bytes32,uint64)",
        "TreeSizeNotGrowing(bytes32,uint64,uint64)",
        "ZeroRoot()",
    }
)

_TREE_HEAD = "TreeHead(bytes32,address,uint64,bytes32,uint256,uint256)"
_ADDRESS = re.compile(r"0x[0-9a-fA-F]{40}")
_GAS_MARGIN_PERCENT = 20
_NONCE_RETRIES = 3
_NONCE_MESSAGES = ("nonce", "replacement transaction underpriced")
_KNOWN_MESSAGES = ("already known", "already imported", "known transaction")

_T = TypeVar("_T")


@dataclass(frozen=True, slots=True, kw_only=True)
class ContractBuild:
    """The committed ``VcidAnchor`` build (see ``scripts/evm.py compile``)."""

    abi: tuple[Mapping[str, Any], ...]
    bytecode: bytes
    deployed_bytecode: bytes
    compiler_version: str
    evm_version: str


def _signature(item: Mapping[str, Any]) -> str:
    types = ",".join(str(i["type"]) for i in item.get("inputs", ()))
    return f"{item['name']}({types})"


def contract_build() -> ContractBuild:
    """Load the packaged build and check that its ABI is the one this module expects.

    :raises AnchorError: when the build is missing or its interface differs.
    """
    try:
        text = (
            resources.files("vcid.ledger")
            .joinpath("contracts/VcidAnchor.json")
            .read_text(encoding="utf-8")
        )
        data = json.loads(text)
        abi = tuple(data["abi"])
        build = ContractBuild(
            abi=abi,
            bytecode=bytes.fromhex(data["bytecode"].removeprefix("0x")),
            deployed_bytecode=bytes.fromhex(data["deployedBytecode"].removeprefix("0x")),
            compiler_version=data["compiler"]["version"],
            evm_version=data["settings"]["evmVersion"],
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise AnchorError(f"the VcidAnchor build is unreadable ({type(exc).__name__})") from None
    functions = {_signature(i) for i in abi if i.get("type") == "function"}
    events = {
        _signature(i): tuple(bool(p.get("indexed")) for p in i["inputs"])
        for i in abi
        if i.get("type") == "event"
    }
    errors = {_signature(i) for i in abi if i.get("type") == "error"}
    if functions != EXPECTED_FUNCTIONS or events != dict(EXPECTED_EVENTS):
        raise AnchorError("the VcidAnchor build's ABI differs from the one vcid expects")
    if errors != EXPECTED_ERRORS:
        raise AnchorError("the VcidAnchor build's errors differ from the ones vcid expects")
    return build


# --- one nonce sequence per key ---------------------------------------------


class _NonceSequencer:
    """The next nonce of one key on one chain, behind a lock."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.next_nonce: int | None = None


_SEQUENCERS: dict[tuple[int, str], _NonceSequencer] = {}
_SEQUENCERS_LOCK = threading.Lock()


def _sequencer(chain_id: int, address: str) -> _NonceSequencer:
    with _SEQUENCERS_LOCK:
        key = (chain_id, address.lower())
        found = _SEQUENCERS.get(key)
        if found is None:
            found = _SEQUENCERS[key] = _NonceSequencer()
        return found


def _message(exc: BaseException) -> str:
    if isinstance(exc, Web3RPCError) and isinstance(exc.rpc_response, Mapping):
        error = exc.rpc_response.get("error")
        if isinstance(error, Mapping):
            return str(error.get("message", ""))
    return str(exc)


def _is_nonce_error(exc: BaseException) -> bool:
    text = _message(exc).lower()
    return any(m in text for m in _NONCE_MESSAGES)


def _is_known_error(exc: BaseException) -> bool:
    text = _message(exc).lower()
    return any(m in text for m in _KNOWN_MESSAGES)


def _is_revert(exc: BaseException) -> bool:
    if isinstance(exc, ContractLogicError):
        return True
    # eth-tester raises its own TransactionFailed (not a web3 exception).
    kind = type(exc)
    return kind.__name__ == "TransactionFailed" and kind.__module__.startswith("eth_tester")


def _chain_call(what: str, call: Callable[[], _T]) -> _T:
    """Run one node call; chain and transport failures become AnchorError."""
    try:
        return call()
    except (AnchorError, AnchorRejected):
        raise
    except (Web3Exception, OSError, ValueError, LookupError) as exc:
        raise AnchorError(f"{what} failed: {type(exc).__name__}") from exc


def _chain_id(web3: Web3) -> int:
    return int(_chain_call("reading the chain id", lambda: web3.eth.chain_id))


def _fees(web3: Web3) -> dict[str, int]:
    block = web3.eth.get_block("latest")
    base = block.get("baseFeePerGas")
    if base is None:
        return {"gasPrice": int(web3.eth.gas_price)}
    tip = int(web3.eth.max_priority_fee)
    return {"maxPriorityFeePerGas": tip, "maxFeePerGas": 2 * int(base) + tip}


def _send(
    web3: Web3,
    account: LocalAccount,
    prepare: Callable[[], dict[str, Any]],
    *,
    chain_id: int,
) -> bytes:
    """Sign the prepared transaction with the key's next nonce, send it raw, return its hash.

    ``prepare`` (gas estimation) runs under the key's lock, so it sees the state
    the transaction will meet; the lock is released before waiting for the
    receipt, so several threads can wait at once.
    """
    sequencer = _sequencer(chain_id, account.address)
    with sequencer.lock:
        tx = prepare()
        for _ in range(_NONCE_RETRIES):
            if sequencer.next_nonce is None:
                sequencer.next_nonce = int(
                    _chain_call(
                        "reading the pending nonce",
                        lambda: web3.eth.get_transaction_count(account.address, "pending"),
                    )
                )
            signed = account.sign_transaction({**tx, "nonce": sequencer.next_nonce})
            try:
                tx_hash = bytes(web3.eth.send_raw_transaction(signed.raw_transaction))
            except Exception as exc:
                if _is_known_error(exc):
                    tx_hash = bytes(signed.hash)
                elif _is_nonce_error(exc):
                    sequencer.next_nonce = None  # re-read the node's pending count
                    continue
                else:  # transport or node error: no decision about the anchor
                    raise AnchorError(
                        f"sending the transaction failed: {type(exc).__name__}"
                    ) from exc
            sequencer.next_nonce += 1
            return tx_hash
    raise AnchorError(f"no usable nonce after {_NONCE_RETRIES} attempts")


def _estimate(web3: Web3, tx: dict[str, Any]) -> int:
    estimate = int(web3.eth.estimate_gas(tx))  # type: ignore[arg-type]
    return estimate + estimate * _GAS_MARGIN_PERCENT // 100


def _wait(web3: Web3, tx_hash: bytes, *, timeout: float, poll: float) -> Any:
    try:
        return web3.eth.wait_for_transaction_receipt(
            HexBytes(tx_hash), timeout=timeout, poll_latency=poll
        )
    except TimeExhausted:
        raise AnchorError(
            f"no receipt within {timeout:g} s; transaction 0x{tx_hash.hex()} may still be mined"
        ) from None
    except (Web3Exception, OSError, ValueError) as exc:
        raise AnchorError(f"waiting for the receipt failed: {type(exc).__name__}") from exc


def _check_account(account: object) -> LocalAccount:
    if not isinstance(account, LocalAccount):
        raise UsageError("account must be an eth_account LocalAccount (signing is local)")
    return account


def _check_web3(web3: object) -> Web3:
    if not isinstance(web3, Web3):
        raise UsageError("web3 must be a web3.Web3 instance")
    return web3


def deploy(web3: Web3, account: LocalAccount, *, timeout: float = 120.0) -> str:
    """Deploy the packaged ``VcidAnchor`` build; return its address (lowercase hex).

    :param web3: a connected Web3 instance.
    :param account: the deploying key; the transaction is signed locally.
    :param timeout: seconds to wait for the receipt.
    :raises AnchorError: when the deployment fails or is not mined in time.
    """
    web3 = _check_web3(web3)
    account = _check_account(account)
    build = contract_build()
    chain_id = _chain_id(web3)
    tx: dict[str, Any] = {
        "from": account.address,
        "data": "0x" + build.bytecode.hex(),
        "value": 0,
        "chainId": chain_id,
    }
    fees = _chain_call("reading fees", lambda: _fees(web3))

    def prepare() -> dict[str, Any]:
        gas = _chain_call("estimating deployment gas", lambda: _estimate(web3, tx))
        return {**{k: v for k, v in tx.items() if k != "from"}, **fees, "gas": gas}

    tx_hash = _send(web3, account, prepare, chain_id=chain_id)
    receipt = _wait(web3, tx_hash, timeout=timeout, poll=0.05)
    address = receipt.get("contractAddress")
    if receipt.get("status") != 1 or not address:
        raise AnchorError("the VcidAnchor deployment failed")
    return str(address).lower()


class EVMAnchor:
    """An :class:`~vcid.ledger.anchor.AnchorSink` on an EVM chain (``VcidAnchor``).

    Finality: by default an anchor is final once mined, which is right for
    QBFT/IBFT networks (Besu) and dev nodes. On a chain with probabilistic
    finality set ``confirmations_for_finality``; on proof-of-stake Ethereum set
    ``use_finalized_tag`` so that the node's ``finalized`` block decides.

    :param web3: a connected Web3 instance (HTTP, IPC or eth-tester provider).
    :param contract_address: the ``VcidAnchor`` deployment (see :func:`deploy`).
    :param account: the key that signs anchors; omit for a read-only sink, and
        give ``submitter`` instead.
    :param submitter: the address whose anchors :meth:`find_anchor` looks up
        (defaults to ``account``'s address).
    :param confirmations_for_finality: blocks (counting the anchoring one)
        needed before an anchor counts as final; 0 means once mined.
    :param use_finalized_tag: also require the node's ``finalized`` block to
        have reached the anchor.
    :param receipt_timeout: seconds to wait for a transaction's receipt.
    :param poll_interval: seconds between receipt polls.
    :raises UsageError: for a malformed address or option.
    """

    __slots__ = (
        "_account",
        "_chain_id",
        "_checked",
        "_confirmations",
        "_contract",
        "_poll",
        "_submitter",
        "_timeout",
        "_use_finalized_tag",
        "_web3",
    )

    def __init__(
        self,
        web3: Web3,
        *,
        contract_address: str,
        account: LocalAccount | None = None,
        submitter: str | None = None,
        confirmations_for_finality: int = 0,
        use_finalized_tag: bool = False,
        receipt_timeout: float = 120.0,
        poll_interval: float = 0.05,
    ) -> None:
        self._web3 = _check_web3(web3)
        self._account = None if account is None else _check_account(account)
        address = _check_address(contract_address, "contract_address")
        if account is not None:
            own = account.address.lower()
            if submitter is not None and _check_address(submitter, "submitter") != own:
                raise UsageError("submitter differs from the signing account's address")
            submitter = own
        if submitter is None:
            raise UsageError("give an account (to anchor) or a submitter (to look up)")
        self._submitter = _check_address(submitter, "submitter")
        if isinstance(confirmations_for_finality, bool) or not isinstance(
            confirmations_for_finality, int
        ):
            raise UsageError("confirmations_for_finality must be an int")
        if not 0 <= confirmations_for_finality <= 10_000:
            raise UsageError("confirmations_for_finality must be between 0 and 10000")
        if not isinstance(use_finalized_tag, bool):
            raise UsageError("use_finalized_tag must be a bool")
        for name, value in (("receipt_timeout", receipt_timeout), ("poll_interval", poll_interval)):
            if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
                raise UsageError(f"{name} must be a positive number of seconds")
        self._confirmations = confirmations_for_finality
        self._use_finalized_tag = use_finalized_tag
        self._timeout = float(receipt_timeout)
        self._poll = float(poll_interval)
        self._contract: Any = self._web3.eth.contract(
            address=Web3.to_checksum_address(address), abi=list(contract_build().abi)
        )
        self._chain_id: int | None = None
        self._checked = False

    def __repr__(self) -> str:
        return f"EVMAnchor(contract={self.contract_address}, submitter={self._submitter})"

    @property
    def contract_address(self) -> str:
        """The contract address, lowercase hex."""
        return str(self._contract.address).lower()

    @property
    def submitter(self) -> str:
        """The address whose anchors this sink writes and finds, lowercase hex."""
        return self._submitter

    @property
    def chain_id(self) -> int:
        """The node's EIP-155 chain id (read once)."""
        if self._chain_id is None:
            self._chain_id = _chain_id(self._web3)
        return self._chain_id

    def _ensure_contract(self) -> None:
        """Check once that the code at the address is the packaged VcidAnchor."""
        if self._checked:
            return
        code = _chain_call(
            "reading the contract code", lambda: self._web3.eth.get_code(self._contract.address)
        )
        if bytes(code) != contract_build().deployed_bytecode:
            raise AnchorError("the contract address does not hold the VcidAnchor contract")
        self._checked = True

    # --- AnchorSink ----------------------------------------------------------

    def anchor(self, *, origin: str, tree_size: int, root: bytes) -> AnchorRef:
        """Anchor ``(SHA-256(origin), tree_size, root)`` and wait for the receipt.

        :raises AnchorRejected: when the contract refuses it (the tree size does
            not exceed this submitter's latest for the log; a duplicate; a zero root).
        :raises AnchorError: when the node cannot be reached, the transaction is
            not mined in time, or the contract address holds other code.
        :raises UsageError: for a read-only sink or a malformed origin, size or root.
        """
        if self._account is None:
            raise UsageError("this EVMAnchor is read-only (no account)")
        account = self._account
        log_id = log_id_hash(origin)
        tree_size = _check_tree_size(tree_size)
        root = _check_root(root)
        self._ensure_contract()
        chain_id = self.chain_id
        data = self._contract.encode_abi(
            "anchorTreeHead", args=[bytes.fromhex(log_id[2:]), tree_size, root]
        )
        tx: dict[str, Any] = {
            "from": account.address,
            "to": self._contract.address,
            "data": data,
            "value": 0,
            "chainId": chain_id,
        }
        fees = _chain_call("reading fees", lambda: _fees(self._web3))

        def prepare() -> dict[str, Any]:
            try:
                gas = _estimate(self._web3, tx)
            except Exception as exc:
                if _is_revert(exc):
                    raise self._rejection(log_id, tree_size, root) from None
                raise AnchorError(f"estimating gas failed: {type(exc).__name__}") from exc
            return {**{k: v for k, v in tx.items() if k != "from"}, **fees, "gas": gas}

        tx_hash = _send(self._web3, account, prepare, chain_id=chain_id)
        receipt = _wait(self._web3, tx_hash, timeout=self._timeout, poll=self._poll)
        if receipt.get("status") != 1:
            raise self._rejection(log_id, tree_size, root)
        ref = self._ref_from_logs(receipt.get("logs", ()), log_id, tree_size)
        if ref is None or ref.root != root:
            raise AnchorError("the anchoring transaction emitted no matching TreeHead event")
        return ref

    def status(self, ref: AnchorRef) -> AnchorStatus:
        """Confirmations and finality of ``ref`` on this chain.

        An anchor whose transaction is missing, failed, or sits in another block
        (a reorganisation) has 0 confirmations and is not final.

        :raises AnchorMismatch: when the transaction's TreeHead event is not the
            one ``ref`` describes (a forged reference).
        :raises AnchorError: when the node cannot be read, or does not support the
            ``finalized`` tag although ``use_finalized_tag`` is set.
        :raises UsageError: when ``ref`` is not an anchor on this chain and contract.
        """
        if not isinstance(ref, AnchorRef):
            raise UsageError("ref must be an AnchorRef")
        if ref.kind != EVM_KIND:
            raise UsageError(f"ref is a {ref.kind!r} anchor, not an EVM one")
        if ref.chain_id != self.chain_id or ref.contract != self.contract_address:
            raise UsageError("ref is for another chain or contract")
        not_anchored = AnchorStatus(confirmations=0, final=False)
        try:
            receipt = self._web3.eth.get_transaction_receipt(ref.tx_hash)  # type: ignore[arg-type]
        except TransactionNotFound:
            return not_anchored
        except (Web3Exception, OSError, ValueError) as exc:
            raise AnchorError(f"reading the receipt failed: {type(exc).__name__}") from exc
        if receipt.get("status") != 1 or receipt.get("blockNumber") != ref.block_number:
            return not_anchored
        matching = [log for log in receipt.get("logs", ()) if log.get("logIndex") == ref.log_index]
        event = self._decode(matching[0]) if matching else None
        if event is None or self._ref_from_event(event) != ref:
            raise AnchorMismatch("the anchor reference does not match the on-chain TreeHead event")
        latest = int(_chain_call("reading the block number", lambda: self._web3.eth.block_number))
        confirmations = max(0, latest - ref.block_number + 1)
        final = confirmations >= max(1, self._confirmations)
        if final and self._use_finalized_tag:
            final = self._finalized_block() >= ref.block_number
        return AnchorStatus(confirmations=confirmations, final=final)

    def find_anchor(self, *, origin: str, tree_size: int) -> AnchorRef | None:
        """This submitter's anchor of ``(origin, tree_size)``, or None.

        Reads ``anchoredAt`` and ``rootAt``, then the logs of that single block.

        :raises AnchorError: when the node cannot be read or the event is missing.
        :raises UsageError: for a malformed origin or size.
        """
        log_id = log_id_hash(origin)
        tree_size = _check_tree_size(tree_size)
        self._ensure_contract()
        log_id_bytes = bytes.fromhex(log_id[2:])
        submitter = Web3.to_checksum_address(self._submitter)
        functions = self._contract.functions
        block = int(
            _chain_call(
                "reading anchoredAt",
                lambda: functions.anchoredAt(submitter, log_id_bytes, tree_size).call(),
            )
        )
        if block == 0:
            return None
        topic = "0x" + bytes(Web3.keccak(text=_TREE_HEAD)).hex()
        logs = _chain_call(
            "reading the anchoring block's logs",
            lambda: self._web3.eth.get_logs(
                {
                    "fromBlock": block,
                    "toBlock": block,
                    "address": self._contract.address,
                    "topics": [topic, "0x" + log_id_bytes.hex(), "0x" + "00" * 12 + submitter[2:]],
                }
            ),
        )
        ref = self._ref_from_logs(logs, log_id, tree_size)
        if ref is None:
            raise AnchorError("the anchoring block has no matching TreeHead event")
        return ref

    # --- helpers -------------------------------------------------------------

    def latest_tree_size(self, *, origin: str) -> int:
        """The largest tree size this submitter anchored for ``origin`` (0: none).

        :raises AnchorError: when the node cannot be read.
        """
        log_id = bytes.fromhex(log_id_hash(origin)[2:])
        self._ensure_contract()
        submitter = Web3.to_checksum_address(self._submitter)
        return int(
            _chain_call(
                "reading latestTreeSize",
                lambda: self._contract.functions.latestTreeSize(submitter, log_id).call(),
            )
        )

    def _rejection(self, log_id: str, tree_size: int, root: bytes) -> AnchorRejected:
        """Name the reason for a revert from the contract's state (no revert data needed)."""
        if root == bytes(32):
            return AnchorRejected("the contract rejects a zero root")
        submitter = Web3.to_checksum_address(self._submitter)
        log_id_bytes = bytes.fromhex(log_id[2:])
        functions = self._contract.functions
        stored = _chain_call(
            "reading rootAt", lambda: functions.rootAt(submitter, log_id_bytes, tree_size).call()
        )
        if bytes(stored) == root:
            return AnchorRejected("duplicate anchor: this tree head is already anchored")
        latest = _chain_call(
            "reading latestTreeSize",
            lambda: functions.latestTreeSize(submitter, log_id_bytes).call(),
        )
        if tree_size <= int(latest):
            return AnchorRejected(
                f"tree size {tree_size} does not exceed the latest anchored size {int(latest)}"
            )
        return AnchorRejected("the anchoring contract reverted")

    def _decode(self, log: Any) -> Any | None:
        if str(log.get("address", "")).lower() != self.contract_address:
            return None
        try:
            return self._contract.events.TreeHead().process_log(log)
        except (Web3Exception, ValueError, LookupError):
            return None

    def _ref_from_event(self, event: Any) -> AnchorRef:
        args = event["args"]
        return AnchorRef(
            kind=EVM_KIND,
            chain_id=self.chain_id,
            contract=self.contract_address,
            tx_hash="0x" + bytes(event["transactionHash"]).hex(),
            block_number=int(event["blockNumber"]),
            log_index=int(event["logIndex"]),
            submitter=str(args["submitter"]).lower(),
            log_id_hash="0x" + bytes(args["logId"]).hex(),
            tree_size=int(args["treeSize"]),
            root=bytes(args["root"]),
        )

    def _ref_from_logs(self, logs: Any, log_id: str, tree_size: int) -> AnchorRef | None:
        for log in logs:
            event = self._decode(log)
            if event is None:
                continue
            ref = self._ref_from_event(event)
            if (
                ref.log_id_hash == log_id
                and ref.tree_size == tree_size
                and ref.submitter == self._submitter
            ):
                return ref
        return None

    def _finalized_block(self) -> int:
        try:
            block = self._web3.eth.get_block("finalized")
        except (Web3Exception, OSError, ValueError) as exc:
            raise AnchorError(
                f"the node does not report a finalized block: {type(exc).__name__}"
            ) from exc
        return int(block["number"])


def _check_address(value: object, name: str) -> str:
    if not isinstance(value, str) or not _ADDRESS.fullmatch(value):
        raise UsageError(f"{name} must be 0x and 40 hex digits")
    digits = value[2:]
    if digits not in (digits.lower(), digits.upper()) and not Web3.is_checksum_address(value):
        raise UsageError(f"{name} has a wrong EIP-55 checksum")
    return value.lower()
