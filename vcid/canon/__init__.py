"""Canonicalization: RDFC-1.0 for RDF datasets, JCS (RFC 8785) for JSON.

:mod:`vcid.canon.nquads` writes and reads N-Quads, :mod:`vcid.canon.rdfc10`
canonicalizes RDF datasets and :mod:`vcid.canon.jcs` canonicalizes JSON.
"""

from __future__ import annotations

from vcid.canon import jcs, nquads, rdfc10
from vcid.canon.jcs import canonicalize as jcs_canonicalize
from vcid.canon.nquads import parse as parse_nquads
from vcid.canon.nquads import serialize as serialize_nquads
from vcid.canon.nquads import serialize_quad, serialize_term
from vcid.canon.rdfc10 import CanonicalDataset, canonical_nquads
from vcid.canon.rdfc10 import canonicalize as rdfc10_canonicalize

__all__ = [
    "CanonicalDataset",
    "canonical_nquads",
    "jcs",
    "jcs_canonicalize",
    "nquads",
    "parse_nquads",
    "rdfc10",
    "rdfc10_canonicalize",
    "serialize_nquads",
    "serialize_quad",
    "serialize_term",
]
