"""A trust registry over signed trust lists, offline first.

:class:`TrustListRegistry` holds trust lists (from files or bytes: a border
kit's) and the DIDs of the trust anchors the verifier configures. It
answers :class:`~vcid.accreditation.TrustQuery` by finding a chain from an
anchor to the entity and checking every link:

1. the list that holds the link verifies in the verifier's environment
   (its issuer's ``assertionMethod`` proof) and is within its own
   ``validFrom``/``validUntil`` at the verification time;
2. its issuer is an anchor, or is itself accredited, through such a chain,
   for ``TrustListCredential`` at the query's time;
3. the link's scope only narrows its authority's: its types, jurisdictions
   and period lie within the authority's own accreditation;
4. for the entity's own link, the type, jurisdiction and time asked for;
5. the link's ``accreditationStatus``, where present, is not revoked
   (checked through the status checker, in the same environment).

A refusal names the furthest step reached, so an issuer accredited for
another country is told ``OUTSIDE_JURISDICTION`` rather than "untrusted".
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from vcid._json import JsonValue
from vcid.accreditation import (
    TRUST_LIST_TYPE,
    ChainLink,
    TrustAnswer,
    TrustQuery,
    TrustReason,
    within,
)
from vcid.cache import LRUCache
from vcid.environment import VerificationEnvironment
from vcid.errors import (
    Revoked,
    Suspended,
    TrustListError,
    UsageError,
)
from vcid.model import Credential, require_aware, validate_credential
from vcid.proofs import AssertionPurpose
from vcid.report import Check, Outcome
from vcid.trust.lists import Accreditation, TrustList, load_trust_list, parse_trust_list

#: The longest chain followed from an anchor (root, national, regional, registrar).
DEFAULT_MAX_DEPTH = 4

_V2 = "https://www.w3.org/ns/credentials/v2"


class AccreditationStatusChecker(Protocol):
    """Checks status entries (a ``BitstringStatusChecker`` is one)."""

    def check_status(
        self,
        credential: Credential,
        *,
        now: datetime,
        environment: VerificationEnvironment,
    ) -> tuple[Check, ...]: ...


@dataclass(frozen=True, slots=True)
class ListCheck:
    """Whether one trust list is usable now, and why not."""

    trust_list: TrustList
    problem: str | None


# Stages of one candidate link, in the order they are checked: a refusal
# reports the candidate that got furthest.
_CHAIN, _SCOPE, _TYPE, _PLACE, _TIME, _STATUS, _DONE = range(7)


class TrustListRegistry:
    """A :class:`~vcid.environment.TrustRegistry` over signed trust lists.

    Pass it as ``VerificationEnvironment(trust=...)``. Build one and keep
    it: verified lists are cached by content digest, and answers by query
    (bounded), so a warm check costs a dictionary lookup.

    :param lists: trust lists, parsed or as document objects.
    :param anchors: the DIDs whose lists are trusted without accreditation
        (the root authorities this verifier recognises).
    :param status_checker: checks ``accreditationStatus`` entries; without
        one, an accreditation that has a status entry is indeterminate
        (``ACCREDITATION_UNCHECKED``).
    :param max_depth: the longest chain followed.
    :param cache_size: the most answers kept.
    :raises UsageError: without an anchor, or for a bad option.
    :raises TrustListError: for a malformed list.
    """

    def __init__(
        self,
        lists: Iterable[TrustList | Mapping[str, JsonValue]],
        *,
        anchors: Collection[str],
        status_checker: AccreditationStatusChecker | None = None,
        max_depth: int = DEFAULT_MAX_DEPTH,
        cache_size: int = 1024,
    ) -> None:
        if isinstance(anchors, str) or not anchors:
            raise UsageError("a trust registry needs at least one trust anchor DID")
        if any(not isinstance(a, str) or not a.startswith("did:") for a in anchors):
            raise UsageError("trust anchors are DIDs")
        if not isinstance(max_depth, int) or max_depth < 1:
            raise UsageError("max_depth must be a positive integer")
        self._lists = tuple(
            item if isinstance(item, TrustList) else parse_trust_list(item) for item in lists
        )
        self._anchors = frozenset(anchors)
        self._status = status_checker
        self._max_depth = max_depth
        self._entries: dict[str, list[tuple[TrustList, Accreditation]]] = {}
        for trust_list in self._lists:
            for accreditation in trust_list.accreditations:
                self._entries.setdefault(accreditation.entity, []).append(
                    (trust_list, accreditation)
                )
        # digest -> (environment it was verified in, problem or None)
        self._verified: LRUCache[bytes, tuple[VerificationEnvironment, str | None]] = LRUCache(
            max(64, 2 * len(self._lists))
        )
        self._answers: LRUCache[
            tuple[TrustQuery, int, tuple[bool, ...]],
            tuple[VerificationEnvironment, TrustAnswer],
        ] = LRUCache(cache_size)
        self._plain_environments: LRUCache[
            int, tuple[VerificationEnvironment, VerificationEnvironment]
        ] = LRUCache(16)

    @classmethod
    def from_files(
        cls,
        paths: Iterable[str | Path],
        *,
        anchors: Collection[str],
        status_checker: AccreditationStatusChecker | None = None,
    ) -> TrustListRegistry:
        """A registry of the trust lists in ``paths`` (a border kit's files).

        :raises UsageError: if a file cannot be read.
        :raises TrustListError: if one is not a trust list.
        """
        lists = []
        for path in paths:
            try:
                data = Path(path).read_bytes()
            except OSError as exc:
                raise UsageError(f"cannot read trust list {path}: {exc.strerror}") from None
            try:
                lists.append(load_trust_list(data))
            except TrustListError as exc:
                raise TrustListError(f"{path}: {exc}") from None
        return cls(lists, anchors=anchors, status_checker=status_checker)

    def __repr__(self) -> str:
        return f"TrustListRegistry(lists={len(self._lists)}, anchors={sorted(self._anchors)})"

    @property
    def anchors(self) -> frozenset[str]:
        """The trust anchors' DIDs."""
        return self._anchors

    @property
    def lists(self) -> tuple[TrustList, ...]:
        """The trust lists held, in the order given."""
        return self._lists

    def clear_cache(self) -> None:
        """Forget every verified list and cached answer."""
        self._verified.clear()
        self._answers.clear()

    # --- the protocol -----------------------------------------------------------

    def query(
        self, query: TrustQuery, *, now: datetime, environment: VerificationEnvironment
    ) -> TrustAnswer:
        """Answer ``query`` (never raises for bad lists or unknown entities).

        :param query: who, what, where and when (the credential's issuance).
        :param now: the verification time: the lists must be valid then.
        :param environment: where list proofs and status lists are verified.
        :raises UsageError: for a bad query, a naive ``now`` or environment.
        """
        if not isinstance(query, TrustQuery):
            raise UsageError("query must be a TrustQuery")
        require_aware(now, "now")
        if not isinstance(environment, VerificationEnvironment):
            raise UsageError("environment must be a VerificationEnvironment")
        usable = tuple(self._problem(t, now, environment) is None for t in self._lists)
        key = (query, id(environment), usable)
        cached = self._answers.get(key)
        if cached is not None and cached[0] is environment:
            return cached[1]
        statuses: list[bool] = []
        answer = self._search(
            query.entity,
            query,
            query.credential_type,
            query.jurisdiction,
            now=now,
            environment=environment,
            seen=frozenset(),
            statuses=statuses,
        )
        if not statuses:  # a status answer can change at any time: not cached
            self._answers.put(key, (environment, answer))
        return answer

    def check_lists(
        self, *, now: datetime, environment: VerificationEnvironment
    ) -> tuple[ListCheck, ...]:
        """Each list's problem now, if any: its proof, its validity, and
        (for a list by a non-anchor) whether its issuer may publish one."""
        require_aware(now, "now")
        results = []
        for trust_list in self._lists:
            problem = self._problem(trust_list, now, environment)
            if problem is None and trust_list.issuer not in self._anchors:
                answer = self.query(
                    TrustQuery(
                        entity=trust_list.issuer,
                        credential_type=TRUST_LIST_TYPE,
                        jurisdiction=None,
                        time=trust_list.valid_from or now,
                    ),
                    now=now,
                    environment=environment,
                )
                if not answer.authorised:
                    problem = (
                        f"its issuer is not accredited to publish trust lists "
                        f"({answer.reason.value}: {answer.detail})"
                    )
            results.append(ListCheck(trust_list, problem))
        return tuple(results)

    # --- lists ----------------------------------------------------------------------

    def _problem(
        self, trust_list: TrustList, now: datetime, environment: VerificationEnvironment
    ) -> str | None:
        """Why ``trust_list`` cannot be used at ``now``, or None."""
        skew = environment.max_clock_skew
        if trust_list.valid_from is not None and now + skew < trust_list.valid_from:
            return f"the trust list {trust_list.id} is not valid yet"
        if trust_list.valid_until is not None and now - skew > trust_list.valid_until:
            return f"the trust list {trust_list.id} has expired"
        held = self._verified.get(trust_list.digest)
        if held is not None and held[0] is environment:
            return held[1]
        checks = environment.verify_proofs(
            trust_list.document,
            purpose=AssertionPurpose(expected_controller=trust_list.issuer),
            now=now,
        )
        problem = None
        for check in checks:
            if check.outcome in (Outcome.FAILED, Outcome.INDETERMINATE):
                problem = (
                    f"the trust list {trust_list.id}'s proof does not verify "
                    f"({check.name}: {check.code})"
                )
                break
        self._verified.put(trust_list.digest, (environment, problem))
        return problem

    def _plain(self, environment: VerificationEnvironment) -> VerificationEnvironment:
        """``environment`` without a trust registry (one kept per environment,
        so the status checker's cache, keyed by environment, keeps working)."""
        if environment.trust is None:
            return environment
        held = self._plain_environments.get(id(environment))
        if held is not None and held[0] is environment:
            return held[1]
        plain = dataclasses.replace(environment, trust=None)
        self._plain_environments.put(id(environment), (environment, plain))
        return plain

    # --- chains ---------------------------------------------------------------------

    def _search(
        self,
        entity: str,
        query: TrustQuery,
        credential_type: str,
        jurisdiction: str | None,
        *,
        now: datetime,
        environment: VerificationEnvironment,
        seen: frozenset[str],
        statuses: list[bool],
    ) -> TrustAnswer:
        entries = self._entries.get(entity, [])
        best: tuple[int, TrustAnswer] | None = None
        rejected: list[str] = []
        for trust_list, accreditation in entries:
            problem = self._problem(trust_list, now, environment)
            if problem is not None:
                rejected.append(problem)
                continue
            stage, answer = self._candidate(
                trust_list,
                accreditation,
                query,
                credential_type,
                jurisdiction,
                now=now,
                environment=environment,
                seen=seen | {entity},
                statuses=statuses,
            )
            if stage == _DONE:
                return answer
            if best is None or stage > best[0]:
                best = (stage, answer)
        if best is not None:
            return best[1]
        if rejected:
            return TrustAnswer(
                authorised=False,
                reason=TrustReason.BROKEN_CHAIN,
                detail=f"{entity} is listed only in a rejected trust list: {rejected[0]}",
            )
        return TrustAnswer(
            authorised=False,
            reason=TrustReason.UNLISTED_ISSUER,
            detail=f"{entity} is in no trust list this verifier holds",
        )

    def _candidate(
        self,
        trust_list: TrustList,
        accreditation: Accreditation,
        query: TrustQuery,
        credential_type: str,
        jurisdiction: str | None,
        *,
        now: datetime,
        environment: VerificationEnvironment,
        seen: frozenset[str],
        statuses: list[bool],
    ) -> tuple[int, TrustAnswer]:
        entity = accreditation.entity
        link = ChainLink(
            authority=trust_list.issuer,
            entity=entity,
            list_id=trust_list.id,
            credential_types=accreditation.credential_types,
            jurisdictions=accreditation.jurisdictions,
            valid_from=accreditation.valid_from,
            valid_until=accreditation.valid_until,
        )

        def refuse(stage: int, reason: TrustReason, detail: str) -> tuple[int, TrustAnswer]:
            chain = (*parent_chain, link) if stage > _CHAIN else parent_chain
            return stage, TrustAnswer(authorised=False, reason=reason, chain=chain, detail=detail)

        # 1-2. the list's issuer: an anchor, or accredited to publish lists.
        authority = trust_list.issuer
        parent_chain: tuple[ChainLink, ...] = ()
        if authority not in self._anchors:
            if authority in seen or len(seen) >= self._max_depth:
                return refuse(
                    _CHAIN,
                    TrustReason.BROKEN_CHAIN,
                    f"the chain to {entity} loops or is longer than {self._max_depth}",
                )
            parent = self._search(
                authority,
                query,
                TRUST_LIST_TYPE,
                None,
                now=now,
                environment=environment,
                seen=seen,
                statuses=statuses,
            )
            parent_chain = parent.chain
            if not parent.authorised:
                return refuse(
                    _CHAIN,
                    TrustReason.BROKEN_CHAIN,
                    f"{authority}, which accredits {entity}, is not accredited to publish "
                    f"trust lists ({parent.reason.value}: {parent.detail})",
                )
            # 3. the scope only narrows.
            widened = _widening(accreditation, parent.chain[-1])
            if widened:
                return refuse(
                    _SCOPE,
                    TrustReason.BROKEN_CHAIN,
                    f"{authority}'s accreditation of {entity} widens its own scope ({widened})",
                )
        # 4. type, jurisdiction, time.
        if credential_type not in accreditation.credential_types:
            return refuse(
                _TYPE,
                TrustReason.TYPE_NOT_ACCREDITED,
                f"{entity} is not accredited for {credential_type}",
            )
        if jurisdiction is not None and not within(jurisdiction, accreditation.jurisdictions):
            return refuse(
                _PLACE,
                TrustReason.OUTSIDE_JURISDICTION,
                f"{entity} is not accredited for {jurisdiction} "
                f"(only {', '.join(sorted(accreditation.jurisdictions))})",
            )
        skew = environment.max_clock_skew
        if accreditation.valid_from is not None and query.time + skew < accreditation.valid_from:
            return refuse(
                _TIME,
                TrustReason.NOT_YET_VALID,
                f"{entity}'s accreditation starts after the credential was issued",
            )
        if accreditation.valid_until is not None and query.time - skew > accreditation.valid_until:
            return refuse(
                _TIME,
                TrustReason.EXPIRED,
                f"{entity}'s accreditation had ended when the credential was issued",
            )
        # 5. the accreditation's status.
        if accreditation.status is not None:
            statuses.append(True)
            reason, detail = self._status_of(trust_list, accreditation, now, environment)
            if reason is not None:
                return refuse(_STATUS, reason, detail)
        return _DONE, TrustAnswer(
            authorised=True,
            reason=TrustReason.AUTHORISED,
            chain=(*parent_chain, link),
            detail=f"accredited by {authority} for {credential_type}",
        )

    def _status_of(
        self,
        trust_list: TrustList,
        accreditation: Accreditation,
        now: datetime,
        environment: VerificationEnvironment,
    ) -> tuple[TrustReason | None, str]:
        if self._status is None:
            return (
                TrustReason.STATUS_UNCHECKED,
                f"{accreditation.entity}'s accreditation has a status entry and no status "
                "checker is configured",
            )
        # The status checker reads a credential's entries against lists by that
        # credential's issuer; an accreditation is the authority's statement
        # about the entity, so it is read as one.
        assert accreditation.status is not None
        view = validate_credential(
            {
                "@context": [_V2],
                "type": ["VerifiableCredential"],
                "issuer": trust_list.issuer,
                "credentialSubject": {"id": accreditation.entity},
                "credentialStatus": dict(accreditation.status),
            }
        )
        # Without the registry: an accreditation's status list must be the
        # authority's own (no party may vouch for it, so no query loops).
        checks = self._status.check_status(view, now=now, environment=self._plain(environment))
        for check in checks:
            if check.outcome is Outcome.FAILED and check.code in (Revoked.code, Suspended.code):
                return (
                    TrustReason.REVOKED,
                    f"{accreditation.entity}'s accreditation by {trust_list.issuer} is "
                    f"revoked or suspended ({check.name})",
                )
        for check in checks:
            if check.outcome is Outcome.FAILED:
                return (
                    TrustReason.BROKEN_CHAIN,
                    f"{accreditation.entity}'s accreditation status list does not verify "
                    f"({check.name}: {check.code})",
                )
            if check.outcome is Outcome.INDETERMINATE:
                return (
                    TrustReason.STATUS_UNCHECKED,
                    f"{accreditation.entity}'s accreditation status could not be checked "
                    f"({check.name}: {check.code})",
                )
        return None, ""


def _widening(child: Accreditation, parent: ChainLink) -> str:
    """What of ``child``'s scope lies outside ``parent``'s ("" if nothing)."""
    problems = []
    extra_types = child.credential_types - parent.credential_types
    if extra_types:
        problems.append("types " + ", ".join(sorted(extra_types)))
    outside = [code for code in child.jurisdictions if not within(code, parent.jurisdictions)]
    if outside:
        problems.append("jurisdictions " + ", ".join(sorted(outside)))
    if parent.valid_from is not None and (
        child.valid_from is None or child.valid_from < parent.valid_from
    ):
        problems.append("it starts earlier")
    if parent.valid_until is not None and (
        child.valid_until is None or child.valid_until > parent.valid_until
    ):
        problems.append("it ends later")
    return "; ".join(problems)


__all__ = [
    "DEFAULT_MAX_DEPTH",
    "AccreditationStatusChecker",
    "ListCheck",
    "TrustListRegistry",
]
