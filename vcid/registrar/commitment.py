"""The commitment a registrar logs for each credential it issues.

It is the ledger's :func:`vcid.ledger.credential_commitment`: SHA-256 over
the RFC 8785 (JCS) form of the *signed* credential, proof included. The
signature gives it entropy, so it reveals nothing about the child even to
someone who can guess the attributes (a commitment to bare attributes, a
name and a birth date, could be brute-forced).
"""

from __future__ import annotations

from vcid.ledger.entry import credential_commitment

__all__ = ["credential_commitment"]
