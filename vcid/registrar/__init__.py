"""The civil registrar's side: issue birth credentials one at a time or in batches.

* :class:`Registrar` runs the workflow for one credential: build, allocate
  status entries, sign, append the commitment to a log.
* :func:`issue_batch` issues a CSV or JSON Lines file of registrations,
  resumably and idempotently (``vcid registrar issue-batch``).
* :class:`StatusAllocator` and :class:`CommitmentLog` are the protocols the
  status list store and the transparency log implement.
"""

from __future__ import annotations

from vcid.registrar.batch import BatchProgress, BatchResult, issue_batch
from vcid.registrar.commitment import credential_commitment
from vcid.registrar.protocols import CommitmentLog, StatusAllocator
from vcid.registrar.registrar import Registrar, birth_credential_id
from vcid.registrar.rows import (
    COLUMNS,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    RegistrationRow,
    birth_record,
    read_registrations,
)

__all__ = [
    "COLUMNS",
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "BatchProgress",
    "BatchResult",
    "CommitmentLog",
    "Registrar",
    "RegistrationRow",
    "StatusAllocator",
    "birth_credential_id",
    "birth_record",
    "credential_commitment",
    "issue_batch",
    "read_registrations",
]
