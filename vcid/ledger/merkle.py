"""Merkle tree hashing, proofs and their verification (RFC 9162 §2.1).

Hashing is SHA-256 with domain separation (§2.1.1): a leaf is
``SHA-256(0x00 || entry)``, an interior node ``SHA-256(0x01 || left || right)``
and the empty tree ``SHA-256("")``. Trees are split at the largest power of
two smaller than their size, so odd nodes are never duplicated.

Proofs are computed over *stored* hashes: a log keeps every leaf hash and the
hash of every aligned perfect subtree once it completes (level ``l``, index
``i`` covers leaves ``[i * 2**l, (i + 1) * 2**l)``). Every range the RFC's
recursions visit is a run of such subtrees, so a root or a proof needs
O(log n) stored hashes, fetched in one batch through a :class:`NodeReader`.

The verification functions are pure and raise :class:`InvalidInclusionProof`
or :class:`InvalidConsistencyProof`; sizes and proof lengths are bounded.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Final, Protocol

from vcid.errors import InvalidConsistencyProof, InvalidInclusionProof, UsageError

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "MAX_PROOF_HASHES",
    "MAX_TREE_SIZE",
    "MemoryTree",
    "NodeKey",
    "NodeReader",
    "consistency_proof",
    "extend",
    "frontier_keys",
    "inclusion_proof",
    "leaf_hash",
    "node_hash",
    "range_root",
    "root_from_inclusion_proof",
    "tree_root",
    "verify_consistency",
    "verify_inclusion",
]

HASH_SIZE: Final = 32
#: A tree of fewer than 2**63 leaves has proofs of at most 63 hashes (64 for
#: a consistency proof with the old root prepended).
MAX_PROOF_HASHES: Final = 64
#: Tree sizes and indexes are below 2**63 (RFC 9162 uses uint64; SQL uses int64).
MAX_TREE_SIZE: Final = 2**63 - 1
EMPTY_ROOT: Final = hashlib.sha256(b"").digest()

#: ``(level, index)`` of an aligned perfect subtree; level 0 is a leaf.
NodeKey = tuple[int, int]


class NodeReader(Protocol):
    """Stored hashes of aligned perfect subtrees (a log's node store)."""

    def nodes(self, keys: Sequence[NodeKey]) -> Mapping[NodeKey, bytes]:
        """The hashes of ``keys``; every key asked for must be returned.

        :raises LogInconsistent: if a node the tree size implies is missing.
        """
        ...


def leaf_hash(entry: bytes) -> bytes:
    """``SHA-256(0x00 || entry)`` (RFC 9162 §2.1.1)."""
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """``SHA-256(0x01 || left || right)`` (RFC 9162 §2.1.1)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than ``n`` (``n > 1``)."""
    return 1 << ((n - 1).bit_length() - 1)


def _check_size(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise UsageError(f"{name} must be an int")
    if not 0 <= value <= MAX_TREE_SIZE:
        raise UsageError(f"{name} must be in [0, 2**63)")
    return value


# --- ranges: which stored subtrees make up MTH(D[a:b]) ---------------------------------


def _range_keys(start: int, end: int, out: list[NodeKey]) -> None:
    """Append the perfect subtrees whose hashes give MTH(D[start:end]), left to right."""
    while start < end:
        n = end - start
        if n & (n - 1) == 0 and start % n == 0:
            out.append((n.bit_length() - 1, start // n))
            return
        k = _split(n)
        _range_keys(start, start + k, out)
        start += k


def _range_hash(start: int, end: int, nodes: Mapping[NodeKey, bytes]) -> bytes:
    """MTH(D[start:end]) from the stored subtree hashes (RFC 9162 §2.1.1)."""
    keys: list[NodeKey] = []
    _range_keys(start, end, keys)
    result = nodes[keys[-1]]
    for key in reversed(keys[:-1]):
        result = node_hash(nodes[key], result)
    return result


def _inclusion_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """The ranges whose roots form PATH(index, D[0:size]), deepest first (§2.1.3.1)."""
    ranges: list[tuple[int, int]] = []
    start, end = 0, size
    while end - start > 1:
        k = _split(end - start)
        if index < start + k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start += k
    ranges.reverse()
    return ranges


def _consistency_ranges(old: int, new: int) -> list[tuple[int, int]]:
    """The ranges whose roots form PROOF(old, D[0:new]), in order (§2.1.4.1)."""
    ranges: list[tuple[int, int]] = []
    start, end, m, whole = 0, new, old, True
    # SUBPROOF(m, D[start:end], whole), unrolled; appended outermost first.
    while True:
        if m == end - start:
            if not whole:
                ranges.append((start, end))
            break
        k = _split(end - start)
        if m <= k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start, m, whole = start + k, m - k, False
    ranges.reverse()
    return ranges


def _fetch(reader: NodeReader, ranges: Iterable[tuple[int, int]]) -> Mapping[NodeKey, bytes]:
    keys: list[NodeKey] = []
    for start, end in ranges:
        _range_keys(start, end, keys)
    return reader.nodes(sorted(set(keys)))


def range_root(reader: NodeReader, start: int, end: int) -> bytes:
    """MTH(D[start:end]) for a range the RFC recursion visits.

    :raises UsageError: if the range is empty or out of bounds.
    """
    _check_size(start, "start")
    _check_size(end, "end")
    if start >= end:
        raise UsageError("range must not be empty")
    return _range_hash(start, end, _fetch(reader, [(start, end)]))


def tree_root(reader: NodeReader, size: int) -> bytes:
    """MTH(D[0:size]) (RFC 9162 §2.1.1); the empty tree's root for size 0.

    :raises UsageError: for a size out of range.
    """
    if _check_size(size, "size") == 0:
        return EMPTY_ROOT
    return _range_hash(0, size, _fetch(reader, [(0, size)]))


def inclusion_proof(reader: NodeReader, index: int, size: int) -> tuple[bytes, ...]:
    """PATH(index, D[0:size]) (RFC 9162 §2.1.3.1).

    :raises UsageError: unless ``0 <= index < size``.
    """
    _check_size(size, "size")
    _check_size(index, "index")
    if index >= size:
        raise UsageError("index must be smaller than the tree size")
    ranges = _inclusion_ranges(index, size)
    nodes = _fetch(reader, ranges)
    return tuple(_range_hash(a, b, nodes) for a, b in ranges)


def consistency_proof(reader: NodeReader, old_size: int, new_size: int) -> tuple[bytes, ...]:
    """PROOF(old_size, D[0:new_size]) (RFC 9162 §2.1.4.1); empty when either is trivial.

    :raises UsageError: unless ``0 <= old_size <= new_size``.
    """
    _check_size(old_size, "old_size")
    _check_size(new_size, "new_size")
    if old_size > new_size:
        raise UsageError("old_size must not exceed new_size")
    if old_size in (0, new_size):
        return ()
    ranges = _consistency_ranges(old_size, new_size)
    nodes = _fetch(reader, ranges)
    return tuple(_range_hash(a, b, nodes) for a, b in ranges)


# --- verification -------------------------------------------------------------------


def _check_proof(proof: Sequence[bytes], error: type[Exception]) -> list[bytes]:
    value: object = proof
    if isinstance(value, (bytes, str)) or not isinstance(value, Sequence):
        raise UsageError("a proof is a sequence of hashes")
    if len(value) > MAX_PROOF_HASHES:
        raise error(f"proof has more than {MAX_PROOF_HASHES} hashes")
    hashes: list[bytes] = []
    for item in value:
        if not isinstance(item, bytes):
            raise UsageError("proof hashes must be bytes")
        if len(item) != HASH_SIZE:
            raise error(f"a proof hash is not {HASH_SIZE} bytes")
        hashes.append(item)
    return hashes


def _check_hash(value: object, name: str, error: type[Exception]) -> bytes:
    if not isinstance(value, bytes):
        raise UsageError(f"{name} must be bytes")
    if len(value) != HASH_SIZE:
        raise error(f"{name} is not {HASH_SIZE} bytes")
    return value


def root_from_inclusion_proof(leaf: bytes, index: int, size: int, proof: Sequence[bytes]) -> bytes:
    """The root that an inclusion proof leads to (RFC 9162 §2.1.3.2, steps 1-4).

    :param leaf: the leaf hash (:func:`leaf_hash` of the entry).
    :raises InvalidInclusionProof: if the index is not in the tree, a hash is
        malformed, or the proof has the wrong length for ``index`` and ``size``.
    """
    _check_size(index, "index")
    _check_size(size, "size")
    hashes = _check_proof(proof, InvalidInclusionProof)
    result = _check_hash(leaf, "leaf hash", InvalidInclusionProof)
    # 1. leaf_index must be smaller than tree_size.
    if index >= size:
        raise InvalidInclusionProof("leaf index is not smaller than the tree size")
    # 2. fn = leaf_index, sn = tree_size - 1; 3. r = leaf_hash.
    fn, sn = index, size - 1
    # 4. for each p in the path:
    for p in hashes:
        # a. a path longer than the tree is high fails.
        if sn == 0:
            raise InvalidInclusionProof("inclusion proof is too long for the tree size")
        # b. p is a left sibling when fn is a right child or the last node of its level.
        if fn & 1 or fn == sn:
            result = node_hash(p, result)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            result = node_hash(result, p)
        # c. go up one level.
        fn >>= 1
        sn >>= 1
    # 5. sn must have reached 0.
    if sn != 0:
        raise InvalidInclusionProof("inclusion proof is too short for the tree size")
    return result


def verify_inclusion(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> None:
    """Verify that ``leaf`` is at ``index`` in the tree of ``size`` with ``root`` (§2.1.3.2).

    :raises InvalidInclusionProof: if the proof does not lead to ``root``.
    :raises UsageError: for arguments of the wrong type or out of range.
    """
    expected = _check_hash(root, "root", InvalidInclusionProof)
    if root_from_inclusion_proof(leaf, index, size, proof) != expected:
        raise InvalidInclusionProof("inclusion proof does not lead to the checkpoint root")


def verify_consistency(
    old_size: int,
    new_size: int,
    proof: Sequence[bytes],
    old_root: bytes,
    new_root: bytes,
) -> None:
    """Verify that the tree ``(new_size, new_root)`` extends ``(old_size, old_root)``.

    RFC 9162 §2.1.4.2, with its trivial cases made explicit: equal sizes need
    equal roots and an empty proof; an empty old tree has the empty root and
    an empty proof.

    :raises InvalidConsistencyProof: if the proof does not join the roots
        (including a new tree smaller than the old one).
    :raises UsageError: for arguments of the wrong type or out of range.
    """
    _check_size(old_size, "old_size")
    _check_size(new_size, "new_size")
    hashes = _check_proof(proof, InvalidConsistencyProof)
    first = _check_hash(old_root, "old root", InvalidConsistencyProof)
    second = _check_hash(new_root, "new root", InvalidConsistencyProof)
    if new_size < old_size:
        raise InvalidConsistencyProof("the new tree is smaller than the old one")
    if old_size == 0:
        if first != EMPTY_ROOT:
            raise InvalidConsistencyProof("an empty tree's root must be SHA-256 of nothing")
        if hashes:
            raise InvalidConsistencyProof("a proof from the empty tree must be empty")
        return
    if old_size == new_size:
        if hashes:
            raise InvalidConsistencyProof("a proof between equal sizes must be empty")
        if first != second:
            raise InvalidConsistencyProof("equal tree sizes with different roots")
        return
    # 1. An empty path fails.
    if not hashes:
        raise InvalidConsistencyProof("consistency proof is empty")
    # 2. If first is an exact power of 2, prepend first_hash.
    if old_size & (old_size - 1) == 0:
        if len(hashes) == MAX_PROOF_HASHES:
            raise InvalidConsistencyProof(f"proof has more than {MAX_PROOF_HASHES} hashes")
        hashes.insert(0, first)
    # 3. fn = first - 1, sn = second - 1.
    fn, sn = old_size - 1, new_size - 1
    # 4. Skip the levels where fn is a right child.
    while fn & 1:
        fn >>= 1
        sn >>= 1
    # 5. fr = sr = the first value.
    fr = sr = hashes[0]
    # 6. For each subsequent value c:
    for c in hashes[1:]:
        # a. a path longer than the tree is high fails.
        if sn == 0:
            raise InvalidConsistencyProof("consistency proof is too long for the tree sizes")
        # b.
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        # c.
        fn >>= 1
        sn >>= 1
    # 7. fr, sr and sn must come out right.
    if sn != 0:
        raise InvalidConsistencyProof("consistency proof is too short for the tree sizes")
    if fr != first:
        raise InvalidConsistencyProof("consistency proof does not lead to the old root")
    if sr != second:
        raise InvalidConsistencyProof("consistency proof does not lead to the new root")


# --- an in-memory tree: the reference the stored logs are tested against -----------------


class MemoryTree:
    """A Merkle tree held in memory, storing every perfect subtree's hash.

    It is the reference implementation in tests and the node cache of a
    batched append; it implements :class:`NodeReader`.
    """

    __slots__ = ("_levels",)

    def __init__(self, leaf_hashes: Iterable[bytes] = ()) -> None:
        self._levels: list[list[bytes]] = [[]]
        for leaf in leaf_hashes:
            self.append_hash(leaf)

    @property
    def size(self) -> int:
        return len(self._levels[0])

    def append(self, entry: bytes) -> int:
        """Append an entry (hashed as a leaf); returns its index."""
        return self.append_hash(leaf_hash(entry))

    def append_hash(self, leaf: bytes) -> int:
        """Append a leaf hash; returns its index.

        :raises UsageError: if ``leaf`` is not a 32-byte hash.
        """
        if not isinstance(leaf, bytes) or len(leaf) != HASH_SIZE:
            raise UsageError("a leaf hash is 32 bytes")
        index = self.size
        self._levels[0].append(leaf)
        level = 0
        while len(self._levels[level]) % 2 == 0:
            row = self._levels[level]
            parent = node_hash(row[-2], row[-1])
            if len(self._levels) == level + 1:
                self._levels.append([])
            self._levels[level + 1].append(parent)
            level += 1
        return index

    def nodes(self, keys: Sequence[NodeKey]) -> dict[NodeKey, bytes]:
        """The stored hashes of ``keys`` (see :class:`NodeReader`).

        :raises UsageError: for a key of a subtree that is not complete.
        """
        found: dict[NodeKey, bytes] = {}
        for level, index in keys:
            if level >= len(self._levels) or index >= len(self._levels[level]):
                raise UsageError("no such complete subtree")
            found[(level, index)] = self._levels[level][index]
        return found

    def root(self, size: int | None = None) -> bytes:
        """MTH of the first ``size`` leaves (default: all)."""
        return tree_root(self, self.size if size is None else size)

    def inclusion_proof(self, index: int, size: int | None = None) -> tuple[bytes, ...]:
        return inclusion_proof(self, index, self.size if size is None else size)

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> tuple[bytes, ...]:
        return consistency_proof(self, old_size, self.size if new_size is None else new_size)


# --- appending: the new stored hashes -------------------------------------------------


def frontier_keys(size: int) -> list[NodeKey]:
    """The perfect subtrees that make up a tree of ``size`` leaves, largest first.

    Appending needs only these: every new node hash combines them with new leaves.
    """
    keys: list[NodeKey] = []
    if _check_size(size, "size"):
        _range_keys(0, size, keys)
    return keys


def extend(
    size: int, frontier: Mapping[NodeKey, bytes], leaves: Sequence[bytes]
) -> list[tuple[int, int, bytes]]:
    """The ``(level, index, hash)`` rows that appending ``leaves`` to a tree of ``size`` adds.

    Level-0 rows are the new leaves; higher rows are the perfect subtrees the
    new leaves complete.

    :param frontier: the hashes of :func:`frontier_keys` of ``size``.
    :raises UsageError: if the tree would reach 2**63 leaves or a leaf is not 32 bytes.
    """
    if _check_size(size, "size") + len(leaves) > MAX_TREE_SIZE:
        raise UsageError("the tree would have 2**63 leaves or more")
    stack = [(level, index, frontier[(level, index)]) for level, index in frontier_keys(size)]
    rows: list[tuple[int, int, bytes]] = []
    for offset, leaf in enumerate(leaves):
        if not isinstance(leaf, bytes) or len(leaf) != HASH_SIZE:
            raise UsageError("a leaf hash is 32 bytes")
        row = (0, size + offset, leaf)
        stack.append(row)
        rows.append(row)
        while len(stack) >= 2 and stack[-1][0] == stack[-2][0]:
            level, _, right = stack.pop()
            _, left_index, left = stack.pop()
            parent = (level + 1, left_index // 2, node_hash(left, right))
            stack.append(parent)
            rows.append(parent)
    return rows
