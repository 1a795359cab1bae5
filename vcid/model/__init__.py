"""The VC Data Model rules: structural validation and typed read-only views.

Pure JSON checks of VCDM 2.0 §4 (and VCDM 1.1 §4 for v1 credentials): no
JSON-LD processing and no cryptography. :func:`validate_credential` and
:func:`validate_presentation` raise :class:`vcid.errors.DataModelError`
naming the property path and the rule broken, never the value.
"""

from __future__ import annotations

from vcid.model._checks import (
    MAX_ITEMS,
    V1_CONTEXT,
    V2_CONTEXT,
    DataModelViolation,
    Version,
    is_url,
)
from vcid.model.credential import (
    VC_TYPE,
    Credential,
    RelatedResource,
    related_resources,
    validate_credential,
)
from vcid.model.datetimes import (
    format_datetime,
    parse_datetime,
    parse_datetime_stamp,
    require_aware,
)
from vcid.model.presentation import (
    ENVELOPED_VC_TYPE,
    VP_TYPE,
    Presentation,
    validate_presentation,
)
from vcid.model.related import (
    HeldResources,
    RelatedDigests,
    check_digests,
    check_related_digests,
)

__all__ = [
    "ENVELOPED_VC_TYPE",
    "MAX_ITEMS",
    "V1_CONTEXT",
    "V2_CONTEXT",
    "VC_TYPE",
    "VP_TYPE",
    "Credential",
    "DataModelViolation",
    "HeldResources",
    "Presentation",
    "RelatedDigests",
    "RelatedResource",
    "Version",
    "check_digests",
    "check_related_digests",
    "format_datetime",
    "is_url",
    "parse_datetime",
    "parse_datetime_stamp",
    "related_resources",
    "require_aware",
    "validate_credential",
    "validate_presentation",
]
