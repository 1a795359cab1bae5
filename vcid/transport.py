"""vcid's one HTTPS client (on httpx): every remote fetch goes through it.

did:web documents and status lists are fetched with :class:`HTTPSClient`;
later fetchers (trust lists, DID histories) use it too, so the network rules
live in one place:

* HTTPS only; ``http://`` only for a loopback host, and only when the caller
  allows it (a border post's local mirror, the tests);
* redirects: none by default, or at most ``max_redirects`` hops, each to a
  URL that passes the same scheme rule;
* a size limit enforced while the body streams in (a ``Content-Length``
  over the limit is refused before reading), compressed bodies refused;
* a timeout for connecting and for each read, plus a deadline for the
  whole fetch (a server that dribbles bytes cannot hold a verifier);
* an optional content-type check;
* the TLS context or CA bundle from the caller (the default verifies
  against the system trust store); proxies only when given, never from the
  environment.

Every failure raises :class:`~vcid.errors.FetchError` with the HTTP status
when there was one; its message never contains the response body or the URL.
"""

from __future__ import annotations

import ipaddress
import os
import ssl
import time
from collections.abc import Collection
from types import TracebackType
from typing import Final
from urllib.parse import urljoin, urlsplit

import httpx

from vcid.errors import FetchError, UsageError

DEFAULT_TIMEOUT: Final = 5.0
"""Seconds allowed for connecting and for each read."""
DEFAULT_DEADLINE: Final = 30.0
"""Seconds allowed for one whole fetch, redirects included."""
DEFAULT_MAX_BYTES: Final = 1024 * 1024
"""The largest body accepted unless the caller says otherwise."""
MAX_REDIRECTS_LIMIT: Final = 5
"""The most redirects any caller may allow."""
_REDIRECTS: Final = frozenset({301, 302, 303, 307, 308})


def is_loopback_host(host: str | None) -> bool:
    """True for ``localhost`` and loopback IP addresses."""
    if host is None:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class HTTPSClient:
    """Fetches HTTPS resources under vcid's limits (``fetch(url) -> bytes``).

    It implements did:web's ``HTTPSFetcher`` and the status checker's
    ``StatusListFetcher``. It is thread-safe and keeps connections open
    between fetches; :meth:`close` (or ``with``) releases them.

    :param ssl_context: the TLS context; the default verifies certificates
        against the system trust store.
    :param ca_file: a PEM CA bundle to trust instead (not with ``ssl_context``).
    :param timeout: seconds allowed for connecting and for each read.
    :param deadline: seconds allowed for the whole fetch.
    :param max_bytes: the largest body accepted.
    :param max_redirects: redirects followed (0: a redirect is a failure).
    :param accept: the ``Accept`` header sent.
    :param content_types: if given, the media types accepted (the
        ``Content-Type`` without parameters, compared case-insensitively).
    :param proxy: an explicit ``http(s)://`` proxy URL; environment
        variables are ignored, so fetching does not depend on ambient set-up.
    :param allow_loopback_http: also accept ``http://`` URLs whose host is a
        loopback address.
    :raises UsageError: for a bad option.
    """

    def __init__(
        self,
        ssl_context: ssl.SSLContext | None = None,
        *,
        ca_file: str | os.PathLike[str] | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        deadline: float = DEFAULT_DEADLINE,
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_redirects: int = 0,
        accept: str = "application/json",
        content_types: Collection[str] | None = None,
        proxy: str | None = None,
        allow_loopback_http: bool = False,
    ) -> None:
        if not timeout > 0 or not deadline > 0 or max_bytes <= 0:
            raise UsageError("timeout, deadline and max_bytes must be positive")
        if not 0 <= max_redirects <= MAX_REDIRECTS_LIMIT:
            raise UsageError(f"max_redirects must be from 0 to {MAX_REDIRECTS_LIMIT}")
        if ssl_context is not None and ca_file is not None:
            raise UsageError("give ssl_context or ca_file, not both")
        if isinstance(content_types, str):
            raise UsageError("content_types must be a collection of media types")
        if proxy is not None and urlsplit(proxy).scheme not in ("http", "https"):
            raise UsageError("proxy must be an http or https URL")
        if ssl_context is None:
            ssl_context = ssl.create_default_context(
                cafile=None if ca_file is None else os.fspath(ca_file)
            )
        self._timeout = timeout
        self._deadline = deadline
        self._max_bytes = max_bytes
        self._max_redirects = max_redirects
        self._content_types = (
            None if content_types is None else frozenset(t.lower() for t in content_types)
        )
        self._loopback_http = allow_loopback_http
        self._client = httpx.Client(
            verify=ssl_context,
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,
            trust_env=False,
            proxy=proxy,
            headers={"Accept": accept, "Accept-Encoding": "identity", "User-Agent": "vcid"},
        )

    def __repr__(self) -> str:
        return (
            f"HTTPSClient(timeout={self._timeout}, max_bytes={self._max_bytes}, "
            f"max_redirects={self._max_redirects})"
        )

    @property
    def max_bytes(self) -> int:
        """The largest body accepted."""
        return self._max_bytes

    def fetch(self, url: str) -> bytes:
        """GET ``url`` and return the body of a 200 response.

        :raises FetchError: for a URL that is not https (nor allowed loopback
            http), a refused or excess redirect, another status (``status``
            set), a wrong content type, a body over ``max_bytes``, a timeout,
            or a TLS or network failure.
        """
        self._check_url(url)
        give_up = time.monotonic() + self._deadline
        for _ in range(self._max_redirects + 1):
            if time.monotonic() > give_up:
                raise FetchError("could not be fetched (deadline passed)")
            location = self._get(url, give_up)
            if isinstance(location, bytes):
                return location
            url = location
        raise FetchError("too many redirects")

    def post_json(self, url: str, body: bytes) -> bytes:
        """POST ``body`` (``application/json``) to ``url``; the body of a 200 answer.

        Redirects are never followed for a POST. Limits, URL rules and
        failures are those of :meth:`fetch`.

        :raises FetchError: as :meth:`fetch` does.
        """
        self._check_url(url)
        give_up = time.monotonic() + self._deadline
        answer = self._get(url, give_up, method="POST", content=body)
        if not isinstance(answer, bytes):  # pragma: no cover - redirects off for POST
            raise FetchError("a redirect in answer to a POST refused")
        return answer

    def close(self) -> None:
        """Close the open connections."""
        self._client.close()

    def __enter__(self) -> HTTPSClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # --- one request ----------------------------------------------------------------

    def _check_url(self, url: object) -> None:
        if not isinstance(url, str):
            raise FetchError("refused: the URL is not a string")
        try:
            parts = urlsplit(url)
            host = parts.hostname
        except ValueError:
            raise FetchError("refused: not a valid URL") from None
        if not host:
            raise FetchError("refused: the URL has no host")
        if parts.scheme == "https":
            return
        if parts.scheme == "http" and self._loopback_http and is_loopback_host(host):
            return
        raise FetchError("refused: only https URLs are fetched")

    def _get(
        self, url: str, give_up: float, *, method: str = "GET", content: bytes | None = None
    ) -> bytes | str:
        """The body, or the next URL to try after a followed redirect."""
        headers = None if content is None else {"Content-Type": "application/json"}
        try:
            with self._client.stream(method, url, content=content, headers=headers) as response:
                status = response.status_code
                if status in _REDIRECTS and self._max_redirects and method == "GET":
                    return self._redirect_target(url, response)
                if status != 200:
                    raise FetchError(f"the server answered HTTP {status}", status=status)
                self._check_headers(response)
                return self._read(response, give_up)
        except FetchError:
            raise
        except httpx.TimeoutException:
            raise FetchError("could not be fetched (timed out)") from None
        except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError, OSError, ValueError) as exc:
            raise FetchError(f"could not be fetched ({type(exc).__name__})") from None

    def _redirect_target(self, url: str, response: httpx.Response) -> str:
        location = response.headers.get("Location")
        if not location:
            raise FetchError("a redirect without a Location", status=response.status_code)
        target = urljoin(url, str(location))
        try:
            self._check_url(target)
        except FetchError:
            raise FetchError(
                "a redirect to a non-https URL refused", status=response.status_code
            ) from None
        return target

    def _check_headers(self, response: httpx.Response) -> None:
        encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
        if encoding not in ("", "identity"):
            raise FetchError("a compressed response refused", status=200)
        if self._content_types is not None:
            media = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
            if media not in self._content_types:
                raise FetchError("the response has an unexpected content type", status=200)
        length = response.headers.get("Content-Length")
        if length is not None and length.strip().isdigit() and int(length) > self._max_bytes:
            raise self._too_large()

    def _read(self, response: httpx.Response, give_up: float) -> bytes:
        body = bytearray()
        for chunk in response.iter_raw():
            body += chunk
            if len(body) > self._max_bytes:
                raise self._too_large()
            if time.monotonic() > give_up:
                raise FetchError("could not be fetched (deadline passed)")
        return bytes(body)

    def _too_large(self) -> FetchError:
        return FetchError(f"the response is larger than {self._max_bytes} bytes", status=200)


__all__ = [
    "DEFAULT_DEADLINE",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_TIMEOUT",
    "MAX_REDIRECTS_LIMIT",
    "HTTPSClient",
    "is_loopback_host",
]
