"""RFC 9162 §2.1 hashing, proofs and verification: the vectors, a reference, properties."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.ledger.vectors import (
    CONSISTENCY_PROOFS,
    INCLUSION_PROOFS,
    LEAF_INPUTS,
    NODE_HASHES,
    ROOTS,
    SOME_HASH,
)
from vcid.errors import InvalidConsistencyProof, InvalidInclusionProof, UsageError
from vcid.ledger import merkle
from vcid.ledger.merkle import (
    EMPTY_ROOT,
    MemoryTree,
    extend,
    frontier_keys,
    leaf_hash,
    node_hash,
    root_from_inclusion_proof,
    verify_consistency,
    verify_inclusion,
)


def vector_tree() -> MemoryTree:
    tree = MemoryTree()
    for data in LEAF_INPUTS:
        tree.append(data)
    return tree


# --- a naive reference: the RFC's recursive definitions, word for word ---------------


def _k(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def ref_mth(leaves: Sequence[bytes]) -> bytes:
    n = len(leaves)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return leaf_hash(leaves[0])
    k = _k(n)
    return node_hash(ref_mth(leaves[:k]), ref_mth(leaves[k:]))


def ref_path(m: int, leaves: Sequence[bytes]) -> list[bytes]:
    n = len(leaves)
    if n == 1:
        return []
    k = _k(n)
    if m < k:
        return [*ref_path(m, leaves[:k]), ref_mth(leaves[k:])]
    return [*ref_path(m - k, leaves[k:]), ref_mth(leaves[:k])]


def ref_subproof(m: int, leaves: Sequence[bytes], whole: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if whole else [ref_mth(leaves)]
    k = _k(n)
    if m <= k:
        return [*ref_subproof(m, leaves[:k], whole), ref_mth(leaves[k:])]
    return [*ref_subproof(m - k, leaves[k:], False), ref_mth(leaves[:k])]


# --- vectors -------------------------------------------------------------------------


def test_roots_of_the_vector_tree_for_every_size() -> None:
    tree = vector_tree()
    for size, root in enumerate(ROOTS):
        assert tree.root(size) == root
    assert ROOTS[0] == EMPTY_ROOT


def test_every_stored_node_matches_the_vector_node_hashes() -> None:
    tree = vector_tree()
    for level, row in enumerate(NODE_HASHES):
        keys = [(level, index) for index in range(len(row))]
        assert [tree.nodes(keys)[key] for key in keys] == row


@pytest.mark.parametrize(("number", "size", "proof"), INCLUSION_PROOFS)
def test_inclusion_vectors_are_produced_and_verify(
    number: int, size: int, proof: list[bytes]
) -> None:
    tree = vector_tree()
    index = number - 1
    assert list(tree.inclusion_proof(index, size)) == proof
    leaf = leaf_hash(LEAF_INPUTS[index])
    verify_inclusion(leaf, index, size, proof, ROOTS[size])


@pytest.mark.parametrize(("old", "new", "proof"), CONSISTENCY_PROOFS)
def test_consistency_vectors_are_produced_and_verify(
    old: int, new: int, proof: list[bytes]
) -> None:
    tree = vector_tree()
    assert list(tree.consistency_proof(old, new)) == proof
    verify_consistency(old, new, proof, ROOTS[old], ROOTS[new])


def _inclusion_probes(
    index: int, size: int, proof: list[bytes], root: bytes, leaf: bytes
) -> list[tuple[str, int, int, list[bytes], bytes, bytes]]:
    """transparency-dev's corruptInclusionProof, minus byte strings of the wrong length."""
    probes = [
        ("index - 1", index - 1, size, proof, root, leaf),
        ("index + 1", index + 1, size, proof, root, leaf),
        ("index ^ 2", index ^ 2, size, proof, root, leaf),
        ("size * 2", index, size * 2, proof, root, leaf),
        ("size // 2", index, size // 2, proof, root, leaf),
        ("wrong leaf", index, size, proof, root, SOME_HASH),
        ("empty root", index, size, proof, EMPTY_ROOT, leaf),
        ("random root", index, size, proof, SOME_HASH, leaf),
        ("trailing root", index, size, [*proof, root], root, leaf),
        ("preceding root", index, size, [root, *proof], root, leaf),
    ]
    for i in range(len(proof)):
        wrong = list(proof)
        wrong[i] = bytes([wrong[i][0] ^ 8]) + wrong[i][1:]
        probes.append((f"flipped proof[{i}]", index, size, wrong, root, leaf))
    if proof:
        probes.append(("removed component", index, size, proof[:-1], root, leaf))
    if len(proof) > 1:
        probes.append(
            ("inserted component", index, size, [proof[0], SOME_HASH, *proof[1:]], root, leaf)
        )
    return probes


@pytest.mark.parametrize(("number", "size", "proof"), INCLUSION_PROOFS)
def test_corrupted_inclusion_vectors_fail(number: int, size: int, proof: list[bytes]) -> None:
    leaf = leaf_hash(LEAF_INPUTS[number - 1])
    for name, index, n, path, root, value in _inclusion_probes(
        number - 1, size, proof, ROOTS[size], leaf
    ):
        if index < 0:
            continue
        with pytest.raises(InvalidInclusionProof):
            verify_inclusion(value, index, n, path, root)
        assert name


@pytest.mark.parametrize(("old", "new", "proof"), [c for c in CONSISTENCY_PROOFS if c[2]])
def test_corrupted_consistency_vectors_fail(old: int, new: int, proof: list[bytes]) -> None:
    r1, r2 = ROOTS[old], ROOTS[new]
    probes = [
        (old - 1, new, r1, r2, proof),
        (old + 1, new, r1, r2, proof),
        (old ^ 2, new, r1, r2, proof),
        (old, new * 2, r1, r2, proof),
        (old, new // 2, r1, r2, proof),
        (old, new, SOME_HASH, r2, proof),
        (old, new, r1, SOME_HASH, proof),
        (old, new, r2, r1, proof),
        (old, new, r1, r2, []),
        (old, new, r1, r2, [*proof, r1]),
        (old, new, r1, r2, [*proof, r2]),
        (old, new, r1, r2, [r1, *proof]),
        (old, new, r1, r2, [r2, *proof]),
        (old, new, r1, r2, [proof[0], *proof]),
        (old, new, r1, r2, proof[:-1]),
    ]
    for i in range(len(proof)):
        wrong = list(proof)
        wrong[i] = bytes([wrong[i][0] ^ 16]) + wrong[i][1:]
        probes.append((old, new, r1, r2, wrong))
    for size1, size2, root1, root2, path in probes:
        if size1 < 0 or ((size1, size2, root1, root2) == (old, new, r1, r2) and path == proof):
            continue
        with pytest.raises(InvalidConsistencyProof):
            verify_consistency(size1, size2, path, root1, root2)


def test_trivial_consistency_cases() -> None:
    verify_consistency(0, 0, [], EMPTY_ROOT, EMPTY_ROOT)
    verify_consistency(0, 5, [], EMPTY_ROOT, ROOTS[5])
    verify_consistency(3, 3, [], ROOTS[3], ROOTS[3])
    bad = [
        (0, 5, [], SOME_HASH, ROOTS[5]),  # the empty tree has one root
        (0, 5, [EMPTY_ROOT], EMPTY_ROOT, ROOTS[5]),  # and an empty proof
        (3, 3, [], ROOTS[3], ROOTS[4]),  # a fork at equal size
        (3, 3, [ROOTS[3]], ROOTS[3], ROOTS[3]),
        (4, 3, [], ROOTS[4], ROOTS[3]),  # time travel: the tree shrank
        (1, 2, [], ROOTS[1], ROOTS[2]),  # an empty proof between different sizes
    ]
    for size1, size2, path, root1, root2 in bad:
        with pytest.raises(InvalidConsistencyProof):
            verify_consistency(size1, size2, path, root1, root2)


def test_inclusion_edge_cases() -> None:
    leaf = leaf_hash(b"data")
    verify_inclusion(leaf, 0, 1, [], leaf)  # one leaf: the root is the leaf
    for index, size in [(0, 0), (1, 0), (2, 1), (1, 1)]:
        with pytest.raises(InvalidInclusionProof):
            verify_inclusion(leaf, index, size, [], leaf)
    with pytest.raises(InvalidInclusionProof):
        verify_inclusion(b"short", 0, 1, [], leaf)
    with pytest.raises(InvalidInclusionProof):
        verify_inclusion(leaf, 0, 2, [b"\x00" * 31], leaf)


def test_bounds_are_enforced() -> None:
    leaf = leaf_hash(b"x")
    with pytest.raises(InvalidInclusionProof, match="more than 64"):
        verify_inclusion(leaf, 0, 2**62, [leaf] * 65, leaf)
    with pytest.raises(UsageError):
        verify_inclusion(leaf, 0, 2**63, [], leaf)
    with pytest.raises(UsageError):
        verify_inclusion(leaf, -1, 5, [], leaf)
    with pytest.raises(UsageError):
        verify_inclusion(leaf, 0, 5, "not a list", leaf)  # type: ignore[arg-type]
    with pytest.raises(InvalidConsistencyProof, match="more than 64"):
        verify_consistency(3, 2**62, [leaf] * 65, leaf, leaf)
    with pytest.raises(UsageError):
        MemoryTree().inclusion_proof(0, 0)
    with pytest.raises(UsageError):
        MemoryTree([leaf]).consistency_proof(2, 1)
    with pytest.raises(UsageError):
        extend(merkle.MAX_TREE_SIZE, {}, [leaf])


def test_a_proof_at_the_largest_size_is_63_hashes_and_verifies() -> None:
    # A tree of 2**63 - 1 leaves all equal to one hash h: every perfect subtree
    # of level l has the hash H_l, so the path is computable without storage.
    size, index = merkle.MAX_TREE_SIZE, merkle.MAX_TREE_SIZE - 1
    levels = [leaf_hash(b"")]
    for _ in range(63):
        levels.append(node_hash(levels[-1], levels[-1]))

    class Uniform:
        def nodes(self, keys: Sequence[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
            return {key: levels[key[0]] for key in keys}

    proof = merkle.inclusion_proof(Uniform(), index, size)
    assert len(proof) == 62
    verify_inclusion(levels[0], index, size, proof, merkle.tree_root(Uniform(), size))


# --- properties ------------------------------------------------------------------------


def leaves_of(n: int) -> list[bytes]:
    return [b"leaf %d" % i for i in range(n)]


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 300), st.data())
def test_stored_proofs_match_the_rfc_reference(n: int, data: st.DataObject) -> None:
    leaves = leaves_of(n)
    tree = MemoryTree()
    for leaf in leaves:
        tree.append(leaf)
    m = data.draw(st.integers(0, n - 1))
    size = data.draw(st.integers(m + 1, n))
    old = data.draw(st.integers(1, size))
    assert tree.root(size) == ref_mth(leaves[:size])
    assert list(tree.inclusion_proof(m, size)) == ref_path(m, leaves[:size])
    assert list(tree.consistency_proof(old, size)) == ref_subproof(old, leaves[:size], True)


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 2000), st.data())
def test_every_inclusion_proof_verifies_and_any_alteration_fails(
    n: int, data: st.DataObject
) -> None:
    tree = MemoryTree(leaf_hash(b"%d" % i) for i in range(n))
    index = data.draw(st.integers(0, n - 1))
    proof = list(tree.inclusion_proof(index))
    root, leaf = tree.root(), leaf_hash(b"%d" % index)
    verify_inclusion(leaf, index, n, proof, root)
    assert root_from_inclusion_proof(leaf, index, n, proof) == root

    kind = data.draw(st.sampled_from(["flip", "drop", "add", "index", "size", "leaf", "root"]))
    if kind in ("flip", "drop") and not proof:
        kind = "add"
    altered_index, altered_size, altered_leaf, altered_root = index, n, leaf, root
    if kind == "flip":
        i = data.draw(st.integers(0, len(proof) - 1))
        byte = data.draw(st.integers(0, 31))
        bit = data.draw(st.integers(0, 7))
        item = bytearray(proof[i])
        item[byte] ^= 1 << bit
        proof[i] = bytes(item)
    elif kind == "drop":
        del proof[data.draw(st.integers(0, len(proof) - 1))]
    elif kind == "add":
        proof.insert(
            data.draw(st.integers(0, len(proof))), data.draw(st.binary(min_size=32, max_size=32))
        )
    elif kind == "index":
        altered_index = data.draw(st.integers(0, n + 5).filter(lambda i: i != index))
    elif kind == "size":
        # Doubling the size always deepens the leaf; a size <= index excludes it.
        # (Sizes with the same path shape as n verify the same (leaf, root): the
        # size is bound to the root by the checkpoint signature, not by the path.)
        altered_size = data.draw(st.sampled_from([2 * n, index]))
    elif kind == "leaf":
        altered_leaf = leaf_hash(b"other")
    else:
        altered_root = leaf_hash(b"other root")
    with pytest.raises(InvalidInclusionProof):
        verify_inclusion(altered_leaf, altered_index, altered_size, proof, altered_root)


@settings(max_examples=150, deadline=None)
@given(st.integers(2, 2000), st.data())
def test_every_consistency_proof_verifies_and_any_alteration_fails(
    n: int, data: st.DataObject
) -> None:
    tree = MemoryTree(leaf_hash(b"%d" % i) for i in range(n))
    old = data.draw(st.integers(1, n - 1))
    proof = list(tree.consistency_proof(old, n))
    old_root, new_root = tree.root(old), tree.root()
    verify_consistency(old, n, proof, old_root, new_root)

    kind = data.draw(st.sampled_from(["flip", "drop", "add", "old", "new", "roots"]))
    sizes = (old, n)
    roots = (old_root, new_root)
    if kind == "flip":
        i = data.draw(st.integers(0, len(proof) - 1))
        byte = data.draw(st.integers(0, 31))
        item = bytearray(proof[i])
        item[byte] ^= 1 << data.draw(st.integers(0, 7))
        proof[i] = bytes(item)
    elif kind == "drop":
        del proof[data.draw(st.integers(0, len(proof) - 1))]
    elif kind == "add":
        proof.insert(
            data.draw(st.integers(0, len(proof))), data.draw(st.binary(min_size=32, max_size=32))
        )
    elif kind == "old":
        sizes = (data.draw(st.sampled_from([old - 1, old + 1, old ^ 2])), n)
    elif kind == "new":
        # Doubling deepens the tree; smaller than old is a shrink. (Other new
        # sizes with the same proof shape are bound by the signed checkpoint.)
        sizes = (old, data.draw(st.sampled_from([2 * n, old - 1])))
    else:
        which = data.draw(st.sampled_from(["old", "new", "swap"]))
        other = leaf_hash(b"other root")
        roots = {"old": (other, new_root), "new": (old_root, other), "swap": (new_root, old_root)}[
            which
        ]
    with pytest.raises(InvalidConsistencyProof):
        verify_consistency(sizes[0], sizes[1], proof, roots[0], roots[1])


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 600), st.lists(st.integers(1, 70), min_size=1, max_size=6))
def test_extend_stores_the_same_nodes_as_the_memory_tree(start: int, batches: list[int]) -> None:
    """Appending in batches through the frontier yields every perfect subtree hash."""
    hashes = [leaf_hash(b"%d" % i) for i in range(start + sum(batches))]
    store: dict[tuple[int, int], bytes] = {(0, i): h for i, h in enumerate(hashes[:start])}
    reference = MemoryTree(hashes[:start])
    for key in _all_keys(start):
        store[key] = reference.nodes([key])[key]
    size = start
    for count in batches:
        frontier = {key: store[key] for key in frontier_keys(size)}
        for level, index, digest in extend(size, frontier, hashes[size : size + count]):
            assert (level, index) not in store
            store[(level, index)] = digest
        size += count
    full = MemoryTree(hashes)
    assert store == {key: full.nodes([key])[key] for key in _all_keys(size)}


def _all_keys(size: int) -> list[tuple[int, int]]:
    keys = []
    level = 0
    while (1 << level) <= size:
        keys += [(level, i) for i in range(size >> level)]
        level += 1
    return keys
