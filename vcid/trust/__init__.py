"""Trust registries: who may issue which credentials, where and when (issue 10).

* :class:`TrustListRegistry`: signed trust lists (``TrustListCredential``)
  chained from the trust anchors a verifier configures, offline first;
  pass it as ``VerificationEnvironment(trust=...)``.
* Building lists: :class:`Accreditation`, :func:`trust_list_credential`,
  :func:`sign_trust_list`, :func:`with_accreditation`,
  :func:`without_accreditation`; reading them: :func:`load_trust_list`,
  :func:`parse_trust_list`.
* The query and answer types are in :mod:`vcid.accreditation`, the
  protocol (:class:`~vcid.environment.TrustRegistry`) in
  :mod:`vcid.environment`.

See ``docs/decisions/0017-trust-lists.md``.
"""

from __future__ import annotations

from vcid.trust.lists import (
    ACCREDITATION_TYPE,
    Accreditation,
    TrustList,
    load_trust_list,
    parse_trust_list,
    sign_trust_list,
    trust_list_credential,
    with_accreditation,
    without_accreditation,
)
from vcid.trust.registry import (
    AccreditationStatusChecker,
    ListCheck,
    TrustListRegistry,
)

__all__ = [
    "ACCREDITATION_TYPE",
    "Accreditation",
    "AccreditationStatusChecker",
    "ListCheck",
    "TrustList",
    "TrustListRegistry",
    "load_trust_list",
    "parse_trust_list",
    "sign_trust_list",
    "trust_list_credential",
    "with_accreditation",
    "without_accreditation",
]
