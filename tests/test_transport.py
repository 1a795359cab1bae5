"""vcid.transport.HTTPSClient against real loopback servers (TLS made at test time)."""

from __future__ import annotations

import contextlib
import pickle
import ssl
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.services import self_signed, tls_server
from vcid.errors import FetchError, IndeterminateError, UsageError
from vcid.transport import HTTPSClient, is_loopback_host

SECRET = b"SECRET-BODY-do-not-echo"


@dataclass
class Route:
    status: int = 200
    body: bytes = b"{}"
    headers: dict[str, str] = field(default_factory=dict)
    send_length: bool = True
    delay: float = 0.0
    drip: float = 0.0


@dataclass
class Server:
    port: int
    ca_file: Path
    routes: dict[str, Route] = field(default_factory=dict)
    hits: dict[str, int] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.ca_file))

    def client(self, **options: object) -> HTTPSClient:
        return HTTPSClient(self.context(), timeout=2.0, **options)  # type: ignore[arg-type]


def _handler(state: Server) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.hits[self.path] = state.hits.get(self.path, 0) + 1
            route = state.routes.get(self.path, Route(404, b"not found " + SECRET))
            time.sleep(route.delay)
            self.send_response(route.status)
            for name, value in route.headers.items():
                self.send_header(name, value)
            if route.send_length:
                self.send_header("Content-Length", str(len(route.body)))
            self.end_headers()
            with contextlib.suppress(OSError):
                if route.drip:
                    for byte in route.body:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        time.sleep(route.drip)
                else:
                    self.wfile.write(route.body)

        def log_message(self, format: str, *args: object) -> None:
            return

    return Handler


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return self_signed(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="module")
def _server(tls_files: tuple[Path, Path]) -> Iterator[Server]:
    cert_file, key_file = tls_files
    state = Server(port=0, ca_file=cert_file)
    with tls_server(_handler(state), cert_file, key_file) as port:
        state.port = port
        yield state


@pytest.fixture
def server(_server: Server) -> Server:
    _server.routes.clear()
    _server.hits.clear()
    return _server


@pytest.fixture
def plain_server() -> Iterator[Server]:
    """An http:// server on 127.0.0.1 (no TLS)."""
    state = Server(port=0, ca_file=Path())
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    state.port = int(httpd.server_address[1])
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()


def _fails(client: HTTPSClient, url: str) -> FetchError:
    with pytest.raises(FetchError) as info:
        client.fetch(url)
    assert isinstance(info.value, IndeterminateError)
    return info.value


# --- basics -------------------------------------------------------------------------


def test_fetches_a_200_body(server: Server) -> None:
    server.routes["/doc"] = Route(body=b'{"a": 1}')
    with server.client() as client:
        assert client.fetch(f"{server.base}/doc") == b'{"a": 1}'


def test_another_status_fails_with_the_status(server: Server) -> None:
    client = server.client()
    assert _fails(client, f"{server.base}/missing").status == 404
    server.routes["/oops"] = Route(500, SECRET)
    assert _fails(client, f"{server.base}/oops").status == 500


def test_errors_never_carry_the_body_or_the_url(server: Server) -> None:
    client = server.client(max_bytes=8)
    server.routes["/secret-path"] = Route(500, SECRET)
    server.routes["/secret-big"] = Route(200, SECRET)
    for path in ("/secret-path", "/secret-big", "/secret-missing"):
        error = _fails(client, server.base + path)
        for text in (str(error), repr(error)):
            assert "SECRET" not in text
            assert "secret" not in text
            assert str(server.port) not in text


# --- scheme ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["http://example.com/x", "ftp://127.0.0.1/x", "file:///etc/passwd", "https:///x", "nope"],
)
def test_non_https_is_refused_without_a_request(url: str) -> None:
    error = _fails(HTTPSClient(), url)
    assert error.status is None


def test_loopback_http_only_when_allowed(plain_server: Server) -> None:
    plain_server.routes["/list"] = Route(body=b"[]")
    url = f"http://127.0.0.1:{plain_server.port}/list"
    assert "https" in str(_fails(HTTPSClient(), url))
    assert plain_server.hits == {}
    assert HTTPSClient(allow_loopback_http=True).fetch(url) == b"[]"
    # never for a host that is not loopback
    _fails(HTTPSClient(allow_loopback_http=True), "http://example.com/list")


def test_is_loopback_host() -> None:
    assert is_loopback_host("localhost")
    assert is_loopback_host("127.0.0.2")
    assert is_loopback_host("::1")
    assert not is_loopback_host("example.com")
    assert not is_loopback_host("10.0.0.1")
    assert not is_loopback_host(None)


def test_an_untrusted_certificate_is_refused(server: Server) -> None:
    server.routes["/doc"] = Route()
    error = _fails(HTTPSClient(timeout=2.0), f"{server.base}/doc")  # system trust store
    assert "could not be fetched" in str(error)
    assert server.hits == {}


def test_a_ca_file_is_trusted(server: Server) -> None:
    server.routes["/doc"] = Route(body=b"ok")
    assert HTTPSClient(ca_file=server.ca_file).fetch(f"{server.base}/doc") == b"ok"


# --- size -----------------------------------------------------------------------------


def test_a_declared_length_over_the_limit_is_refused(server: Server) -> None:
    server.routes["/big"] = Route(body=b"x" * 5000)
    error = _fails(server.client(max_bytes=4096), f"{server.base}/big")
    assert "larger than 4096" in str(error)


def test_the_limit_holds_while_streaming_without_a_length(server: Server) -> None:
    server.routes["/big"] = Route(body=b"x" * 100_000, send_length=False)
    assert "larger" in str(_fails(server.client(max_bytes=4096), f"{server.base}/big"))
    server.routes["/fits"] = Route(body=b"x" * 4096, send_length=False)
    assert server.client(max_bytes=4096).fetch(f"{server.base}/fits") == b"x" * 4096


def test_a_compressed_body_is_refused(server: Server) -> None:
    server.routes["/gz"] = Route(body=b"\x1f\x8b", headers={"Content-Encoding": "gzip"})
    assert "compressed" in str(_fails(server.client(), f"{server.base}/gz"))


def test_the_content_type_hook(server: Server) -> None:
    server.routes["/doc"] = Route(headers={"Content-Type": "application/did+json; charset=utf-8"})
    server.routes["/html"] = Route(headers={"Content-Type": "text/html"})
    client = server.client(content_types={"application/did+json", "application/json"})
    assert client.fetch(f"{server.base}/doc") == b"{}"
    assert "content type" in str(_fails(client, f"{server.base}/html"))


# --- redirects --------------------------------------------------------------------------


def test_redirects_are_refused_by_default(server: Server) -> None:
    server.routes["/old"] = Route(302, b"", {"Location": "/new"})
    server.routes["/new"] = Route(body=b"moved")
    assert _fails(server.client(), f"{server.base}/old").status == 302
    assert "/new" not in server.hits


def test_https_redirects_are_followed_within_the_bound(server: Server) -> None:
    server.routes["/new"] = Route(body=b"moved")
    server.routes["/old"] = Route(301, b"", {"Location": f"{server.base}/new"})
    client = server.client(max_redirects=2)
    assert client.fetch(f"{server.base}/old") == b"moved"
    server.routes["/a"] = Route(302, b"", {"Location": "/b"})
    server.routes["/b"] = Route(302, b"", {"Location": "/c"})
    server.routes["/c"] = Route(302, b"", {"Location": "/new"})
    assert "too many redirects" in str(_fails(client, f"{server.base}/a"))
    assert server.hits["/new"] == 1


def test_a_redirect_to_http_is_refused(server: Server) -> None:
    server.routes["/old"] = Route(302, b"", {"Location": f"http://127.0.0.1:{server.port}/x"})
    error = _fails(server.client(max_redirects=3), f"{server.base}/old")
    assert "non-https" in str(error)
    assert "/x" not in server.hits


# --- time -------------------------------------------------------------------------------


def test_a_slow_server_times_out(server: Server) -> None:
    server.routes["/slow"] = Route(delay=1.5)
    started = time.monotonic()
    error = _fails(HTTPSClient(server.context(), timeout=0.3), f"{server.base}/slow")
    assert "timed out" in str(error)
    assert time.monotonic() - started < 1.4


def test_a_dribbling_server_hits_the_deadline(server: Server) -> None:
    server.routes["/drip"] = Route(body=b"x" * 40, drip=0.05)
    client = HTTPSClient(server.context(), timeout=1.0, deadline=0.4)
    assert "deadline" in str(_fails(client, f"{server.base}/drip"))


# --- options ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [
        {"timeout": 0},
        {"deadline": -1},
        {"max_bytes": 0},
        {"max_redirects": -1},
        {"max_redirects": 6},
        {"content_types": "application/json"},
        {"proxy": "socks5://127.0.0.1:1"},
        {"ssl_context": ssl.create_default_context(), "ca_file": "x.pem"},
    ],
)
def test_bad_options_are_usage_errors(options: dict[str, object]) -> None:
    with pytest.raises(UsageError):
        HTTPSClient(**options)  # type: ignore[arg-type]


def test_threads_share_one_client(server: Server) -> None:
    server.routes["/doc"] = Route(body=b"shared")
    client = server.client()
    results: list[bytes] = []
    threads = [
        threading.Thread(target=lambda: results.append(client.fetch(f"{server.base}/doc")))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert results == [b"shared"] * 8


def test_fetch_errors_pickle_with_their_status() -> None:
    error = pickle.loads(pickle.dumps(FetchError("the server answered HTTP 404", status=404)))
    assert isinstance(error, FetchError)
    assert (str(error), error.status, error.code) == (
        "the server answered HTTP 404",
        404,
        "FETCH_FAILED",
    )
