"""Real services for the tests: TLS material for loopback servers, and a
throwaway PostgreSQL server on loopback.

The server is created in a temporary folder with ``initdb``, started on a free
port bound to 127.0.0.1 and removed afterwards. If PostgreSQL is not installed
and the tests run as root on Debian, it is installed with apt-get first (the
project's own set-up, never a manual step). Otherwise tests that need it are
skipped with a message saying why.
"""

from __future__ import annotations

import contextlib
import datetime
import glob
import ipaddress
import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def self_signed(directory: Path, *, name: str = "vcid test") -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost, and its key (PEM files in ``directory``)."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.IPv4Address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file = directory / "cert.pem"
    key_file = directory / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


@contextlib.contextmanager
def tls_server(
    handler: type[BaseHTTPRequestHandler], cert_file: Path, key_file: Path
) -> Iterator[int]:
    """Serve ``handler`` over TLS on 127.0.0.1 in a thread; yields the port."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


class ServiceUnavailable(RuntimeError):
    """A service the tests need cannot be installed or started here."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _postgres_bin() -> Path | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    if candidates:
        return Path(candidates[0]).parent
    found = shutil.which("initdb")
    return Path(found).resolve().parent if found else None


def _install_postgres() -> None:
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        raise ServiceUnavailable("PostgreSQL is not installed (and not root to install it)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", "postgresql"]):
        result = subprocess.run(command, env=env, capture_output=True, check=False, timeout=900)
        if result.returncode != 0:
            raise ServiceUnavailable(f"apt-get could not install PostgreSQL: {command}")


def _as_postgres_user(command: list[str]) -> list[str]:
    """Run as the postgres user when root (PostgreSQL refuses to run as root)."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    """Start a throwaway PostgreSQL server; yields a libpq connection string."""
    binaries = _postgres_bin()
    if binaries is None:
        _install_postgres()
        binaries = _postgres_bin()
        if binaries is None:
            raise ServiceUnavailable("PostgreSQL binaries not found after installing")
    folder = Path(tempfile.mkdtemp(prefix="vcid-pg-"))
    data = folder / "data"
    port = free_port()
    if os.geteuid() == 0:
        shutil.chown(folder, user="postgres")

    def run(command: list[str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            _as_postgres_user(command), capture_output=True, text=True, check=False, timeout=120
        )

    try:
        result = run([str(binaries / "initdb"), "-D", str(data), "-A", "trust", "-U", "vcid"])
        if result.returncode != 0:
            raise ServiceUnavailable(f"initdb failed: {result.stderr.strip()[:200]}")
        options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = folder / "server.log"
        pg_ctl_start = ["-D", str(data), "-o", options, "-l", str(log), "-w", "-t", "60", "start"]
        # The server inherits pg_ctl's stdout: send it to a log file, never a
        # pipe, or waiting for pg_ctl would wait for the server to exit.
        started = subprocess.run(
            _as_postgres_user([str(binaries / "pg_ctl"), *pg_ctl_start]),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
            timeout=120,
        )
        if started.returncode != 0:
            reason = log.read_text()[-200:] if log.exists() else "no log"
            raise ServiceUnavailable(f"PostgreSQL did not start: {reason}")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            time.sleep(0.1)
        yield f"host=127.0.0.1 port={port} user=vcid dbname=postgres"
    finally:
        run([str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"])
        shutil.rmtree(folder, ignore_errors=True)
