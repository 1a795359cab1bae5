"""ToIP Trust Registry Query Protocol v2 over HTTPS: a client registry and vcid's service.

TRQP v2 asks a trust registry two questions (RESTful binding, ``POST``,
JSON bodies):

* ``/authorization``: is ``entity_id`` authorised by ``authority_id`` to
  perform ``action`` on ``resource`` (as of ``context.time``)? vcid asks
  with ``action`` = ``issue``, ``resource`` = the credential type, and
  ``context`` = ``{"time": t, "jurisdiction": J}``; the answer's
  ``authorized`` (``assertion_verified`` in earlier drafts of the schema)
  is the verdict, ``time_evaluated`` the time used, ``message`` the reason.
* ``/recognition``: does ``authority_id`` recognise ``entity_id`` as an
  authority (here: is it an anchor, or accredited to publish trust lists)?

vcid's service adds two members the protocol leaves open: ``vcid_reason``
(the :class:`~vcid.accreditation.TrustReason` code, so a refusal keeps its
name over the wire) and ``vcid_chain`` (``anchor -> authority -> issuer``).
A client talking to another registry falls back to ``UNTRUSTED_ISSUER``
for any refusal.

:class:`TRQPRegistry` implements :class:`~vcid.environment.TrustRegistry`
by asking a server; :class:`TRQPService` answers the two queries from a
:class:`~vcid.trust.TrustListRegistry` (the same lists a border kit holds
offline), and :func:`trqp_handler` puts it behind ``http.server``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler
from typing import Final

from vcid import _json
from vcid._json import JsonObject
from vcid.accreditation import ISSUE, TRUST_LIST_TYPE, TrustAnswer, TrustQuery, TrustReason
from vcid.cache import LRUCache
from vcid.environment import VerificationEnvironment
from vcid.errors import FetchError, MalformedInputError, UsageError, VcidError
from vcid.model import format_datetime, parse_datetime, require_aware
from vcid.transport import HTTPSClient
from vcid.trust.registry import TrustListRegistry

#: The ``assertion_id`` / ``action`` of a recognition query vcid asks.
RECOGNISE: Final = "recognize"
#: How long an answer from a server is reused.
DEFAULT_ANSWER_TTL: Final = timedelta(minutes=5)
#: The largest request body the service reads.
MAX_REQUEST_BYTES: Final = 16 * 1024

_REASONS: Final = {reason.value: reason for reason in TrustReason}


def authorization_request(query: TrustQuery, *, authority_id: str) -> JsonObject:
    """The TRQP v2 ``/authorization`` request body for ``query``."""
    context: JsonObject = {"time": format_datetime(query.time)}
    if query.jurisdiction is not None:
        context["jurisdiction"] = query.jurisdiction
    return {
        "entity_id": query.entity,
        "authority_id": authority_id,
        "action": ISSUE,
        "resource": query.credential_type,
        "context": context,
    }


class TRQPRegistry:
    """A :class:`~vcid.environment.TrustRegistry` that asks a TRQP v2 server.

    For online checks (a border kit uses :class:`TrustListRegistry` on its
    lists offline). A server that cannot be reached gives an indeterminate
    answer (``ACCREDITATION_UNCHECKED``), never "authorised".

    :param base_url: the server's base URL (``https://registry.example/trqp``).
    :param authority_id: the ecosystem authority the queries name (the
        anchor's DID).
    :param client: the HTTPS client (its TLS context decides whom to trust).
    :param ttl: how long an answer is reused.
    :param clock: for the answer cache's TTL.
    :raises UsageError: for a bad option.
    """

    def __init__(
        self,
        base_url: str,
        *,
        authority_id: str,
        client: HTTPSClient,
        ttl: timedelta = DEFAULT_ANSWER_TTL,
        cache_size: int = 1024,
        clock: Callable[[], float] | None = None,
    ) -> None:
        if not isinstance(base_url, str) or not base_url.startswith(("https://", "http://")):
            raise UsageError("base_url must be an https URL")
        if not isinstance(client, HTTPSClient):
            raise UsageError("client must be a vcid.transport.HTTPSClient")
        self._base = base_url.rstrip("/")
        self._authority = authority_id
        self._client = client
        self._answers: LRUCache[TrustQuery, TrustAnswer] = LRUCache(
            cache_size, ttl=ttl.total_seconds(), clock=clock or time.monotonic
        )

    def __repr__(self) -> str:
        return f"TRQPRegistry({self._base!r}, authority_id={self._authority!r})"

    def query(
        self, query: TrustQuery, *, now: datetime, environment: VerificationEnvironment
    ) -> TrustAnswer:
        """Ask the server (or the cache); never raises for a bad server.

        ``now`` and ``environment`` are the caller's; the server evaluates
        at ``query.time`` with its own lists.
        """
        require_aware(now, "now")
        cached = self._answers.get(query)
        if cached is not None:
            return cached
        body = _json.dumps(authorization_request(query, authority_id=self._authority))
        try:
            raw = self._client.post_json(f"{self._base}/authorization", body.encode("utf-8"))
            answer = _read_authorization(_json.load_object(raw, max_bytes=MAX_REQUEST_BYTES))
        except FetchError as exc:
            return TrustAnswer(
                authorised=False,
                reason=TrustReason.STATUS_UNCHECKED,
                detail=f"the trust registry could not be asked: {exc}",
            )
        except VcidError as exc:
            return TrustAnswer(
                authorised=False,
                reason=TrustReason.STATUS_UNCHECKED,
                detail=f"the trust registry's answer is malformed: {exc}",
            )
        if answer.reason is not TrustReason.STATUS_UNCHECKED:
            self._answers.put(query, answer)
        return answer

    def recognition(self, entity: str, *, time: datetime) -> bool:
        """Whether the server's authority recognises ``entity`` as an authority.

        :raises FetchError: if the server cannot be asked.
        :raises MalformedInputError: for a malformed answer.
        """
        body: JsonObject = {
            "entity_id": entity,
            "authority_id": self._authority,
            "action": RECOGNISE,
            "resource": TRUST_LIST_TYPE,
            "context": {"time": format_datetime(require_aware(time, "time"))},
        }
        raw = self._client.post_json(f"{self._base}/recognition", _json.dumps(body).encode("utf-8"))
        document = _json.load_object(raw, max_bytes=MAX_REQUEST_BYTES)
        recognised = document.get("recognized")
        if not isinstance(recognised, bool):
            raise _malformed("recognized must be a boolean")
        return recognised


def _malformed(text: str) -> VcidError:
    return MalformedInputError(f"TRQP: {text}")


def _read_authorization(document: JsonObject) -> TrustAnswer:
    verdict = document.get("authorized", document.get("assertion_verified"))
    if not isinstance(verdict, bool):
        raise _malformed("authorized must be a boolean")
    message = document.get("message")
    detail = message if isinstance(message, str) else ""
    chain = document.get("vcid_chain")
    if isinstance(chain, str) and chain:
        detail = f"{detail} (chain {chain})" if detail else f"chain {chain}"
    if verdict:
        return TrustAnswer(authorised=True, reason=TrustReason.AUTHORISED, detail=detail)
    code = document.get("vcid_reason")
    reason = _REASONS.get(code) if isinstance(code, str) else None
    if reason is None or reason is TrustReason.AUTHORISED:
        reason = TrustReason.UNLISTED_ISSUER
    return TrustAnswer(authorised=False, reason=reason, detail=detail)


class TRQPService:
    """Answers TRQP v2 queries from a trust list registry (vcid's own server).

    :param registry: the trust lists served.
    :param environment: where their proofs are verified.
    :param authority_id: the ecosystem authority this server speaks for
        (one of the registry's anchors); queries naming another get 404.
    The server's time (``time_evaluated``, and ``now`` for the lists'
    validity) is the environment's clock.
    """

    def __init__(
        self,
        registry: TrustListRegistry,
        *,
        environment: VerificationEnvironment,
        authority_id: str,
    ) -> None:
        if authority_id not in registry.anchors:
            raise UsageError("authority_id must be one of the registry's anchors")
        self._registry = registry
        self._environment = environment
        self._authority = authority_id

    def handle(self, path: str, body: bytes) -> tuple[int, JsonObject]:
        """The HTTP status and JSON body answering a POST to ``path``."""
        route = path.rstrip("/").rsplit("/", 1)[-1]
        if route not in ("authorization", "recognition"):
            return 404, _problem(404, "no such TRQP endpoint")
        try:
            request = _json.load_object(body, max_bytes=MAX_REQUEST_BYTES)
            entity, authority, resource, context = _fields(request)
            now = self._environment.moment()
            raw_time = context.get("time")
            time = parse_datetime(raw_time) if isinstance(raw_time, str) else now
            jurisdiction = context.get("jurisdiction")
            if jurisdiction is not None and not isinstance(jurisdiction, str):
                raise UsageError("context.jurisdiction must be a string")
            query = TrustQuery(
                entity=entity,
                credential_type=resource if route == "authorization" else TRUST_LIST_TYPE,
                jurisdiction=jurisdiction,
                time=time,
            )
        except VcidError as exc:
            return 400, _problem(400, f"invalid request: {exc}")
        if authority != self._authority:
            return 404, _problem(404, "notfound:authority_id")
        if route == "recognition" and entity in self._registry.anchors:
            answer = TrustAnswer(
                authorised=True, reason=TrustReason.AUTHORISED, detail="a trust anchor"
            )
        else:
            answer = self._registry.query(query, now=now, environment=self._environment)
        reply: JsonObject = {
            "entity_id": entity,
            "authority_id": authority,
            "action": ISSUE if route == "authorization" else RECOGNISE,
            "resource": resource,
            "time_requested": format_datetime(time),
            "time_evaluated": format_datetime(now),
            "message": answer.detail,
            "context": context,
            "vcid_reason": answer.reason.value,
            "vcid_chain": answer.describe_chain(),
        }
        reply["authorized" if route == "authorization" else "recognized"] = answer.authorised
        return 200, reply


def _fields(request: JsonObject) -> tuple[str, str, str, JsonObject]:
    values = []
    for name in ("entity_id", "authority_id", "resource"):
        value = request.get(name)
        if not isinstance(value, str) or not value:
            raise UsageError(f"{name} must be a non-empty string")
        values.append(value)
    action = request.get("action", ISSUE)
    if action not in (ISSUE, RECOGNISE):
        raise UsageError(f"action must be {ISSUE!r} or {RECOGNISE!r}")
    context = request.get("context", {})
    if not isinstance(context, dict):
        raise UsageError("context must be an object")
    return values[0], values[1], values[2], dict(context)


def _problem(status: int, detail: str) -> JsonObject:
    """An RFC 7807 problem document (the binding's error form)."""
    return {"type": "about:blank", "status": status, "title": detail}


def trqp_handler(service: TRQPService) -> type[BaseHTTPRequestHandler]:
    """An ``http.server`` request handler class serving ``service``."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = self.headers.get("Content-Length", "0")
            size = int(length) if length.isdigit() else MAX_REQUEST_BYTES + 1
            if size > MAX_REQUEST_BYTES:
                status, reply = 413, _problem(413, "request too large")
            else:
                status, reply = service.handle(self.path, self.rfile.read(size))
            payload = _json.dumps(reply).encode("utf-8")
            self.send_response(status)
            self.send_header(
                "Content-Type", "application/json" if status == 200 else "application/problem+json"
            )
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: object) -> None:
            return  # never log queries: they name DIDs a border post asked about

    return Handler


__all__ = [
    "DEFAULT_ANSWER_TTL",
    "MAX_REQUEST_BYTES",
    "RECOGNISE",
    "TRQPRegistry",
    "TRQPService",
    "authorization_request",
    "trqp_handler",
]
