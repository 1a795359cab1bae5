"""Bulk issuance: one birth credential per row, resumable and idempotent.

:func:`issue_batch` reads a batch file (:mod:`vcid.registrar.rows`) and
issues one credential per row with a :class:`~vcid.registrar.Registrar`,
into a JSON Lines file (``--out FILE.jsonl``: one credential per line) or a
folder (one ``<uuid>.json`` file per credential, each written to a
temporary file and renamed into place; the file system is synced once per
chunk). Rows that cannot be read or issued go to a rejects file (JSON
Lines: ``row``, ``line``, ``registrationNumber`` when the row has one,
``code`` and ``reason``; never the child's data), and the batch goes on.

**Files.** Everything a batch creates (outputs, rejects, the journal and
its SQLite side files, the lock) is created owner-only: files 0600, the
output folder 0700; credential files are written whole and renamed into
place.

**Resuming.** A SQLite journal (the *state* file) records, per chunk of
rows, which rows are done and, for the JSON Lines outputs, how many bytes
of each file are committed. A chunk's output is written and synced first,
then the journal is committed in one transaction. Run again after a crash
(even SIGKILL between the two), the batch truncates the outputs to the
journal's sizes (dropping any torn or unjournaled tail), removes stray
temporary files and issues exactly the rows the journal lacks. Credential
ids are deterministic (UUIDv5 of the registrar's DID and the registration
number, :func:`~vcid.registrar.registrar.birth_credential_id`), and the
batch's issuance time is fixed in the journal at the first run, so a row
issued again is byte-for-byte the same credential (Ed25519 and RFC 6979
ECDSA are deterministic), the status allocator and the commitment log see
the same id and commitment again, and no duplicate can arise. The journal
also records the input file's SHA-256 and the issuer: a resume with another
input or key is refused. One batch runs at a time per state file (a lock).

**Workers.** With ``workers > 1`` the signing (JSON-LD, canonicalization,
signature) runs in a process pool forked from this process, so the key is
never pickled or sent anywhere; parsing, status allocation, logging and
writing stay in this process, in row order. Workers exit when this process
dies. Where ``fork`` is not available, one worker is used.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import hashlib
import multiprocessing
import os
import signal
import sqlite3
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Final, Literal

from vcid._json import JsonObject, dumps
from vcid.errors import DuplicateRegistration, UsageError, VcidError
from vcid.model import format_datetime, parse_datetime_stamp, require_aware
from vcid.registrar.commitment import credential_commitment
from vcid.registrar.registrar import Registrar
from vcid.registrar.rows import MAX_ROWS, RegistrationRow, birth_record, read_registrations

#: Rows per chunk: one journal transaction, one task for a worker.
CHUNK_ROWS: Final = 100
#: The most worker processes.
MAX_WORKERS: Final = 64
#: The journal's format version.
STATE_VERSION: Final = "2"
_TEMP_SUFFIX: Final = ".tmp"

Mode = Literal["jsonl", "folder"]


@dataclass(frozen=True, slots=True, kw_only=True)
class BatchProgress:
    """Where a batch stands, reported after every chunk.

    :param done: rows finished, this run and before it.
    :param total: rows in the input.
    :param issued: credentials issued in this run.
    :param rejected: rows rejected in this run.
    :param resumed: rows already finished before this run.
    :param elapsed: seconds since this run started.
    """

    done: int
    total: int
    issued: int
    rejected: int
    resumed: int
    elapsed: float

    @property
    def rate(self) -> float:
        """Rows per second in this run."""
        return (self.done - self.resumed) / self.elapsed if self.elapsed > 0 else 0.0


@dataclass(frozen=True, slots=True, kw_only=True)
class BatchResult:
    """What a batch run did.

    :param total: rows in the input.
    :param issued: credentials issued in this run.
    :param rejected: rows rejected in this run.
    :param resumed: rows found finished by an earlier run.
    :param issued_at: the batch's issuance time (``validFrom``, ``created``).
    :param elapsed: seconds this run took.
    """

    total: int
    issued: int
    rejected: int
    resumed: int
    issued_at: datetime
    elapsed: float
    output: Path
    rejects: Path
    state: Path
    workers: int

    @property
    def rate(self) -> float:
        """Rows per second in this run."""
        return (self.issued + self.rejected) / self.elapsed if self.elapsed > 0 else 0.0


# --- paths -------------------------------------------------------------------


def output_mode(out: Path) -> Mode:
    """``jsonl`` for a path ending in ``.jsonl``, else ``folder``."""
    return "jsonl" if out.suffix.lower() == ".jsonl" else "folder"


def default_rejects_path(out: Path) -> Path:
    """``x.jsonl`` -> ``x.rejects.jsonl``; folder ``x`` -> ``x.rejects.jsonl`` beside it."""
    stem = out.name[: -len(".jsonl")] if output_mode(out) == "jsonl" else out.name
    return out.with_name(f"{stem}.rejects.jsonl")


def default_state_path(out: Path) -> Path:
    """The journal beside the output: ``<out>.state``."""
    return out.with_name(f"{out.name}.state")


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
    return digest.hexdigest()


def _sync_filesystem(path: Path) -> None:
    """Flush everything written on ``path``'s file system to disk.

    One ``syncfs(2)`` per chunk instead of one ``fsync`` per file: files
    and renames alike are durable before the journal records them. Where
    ``syncfs`` is not available, ``sync(2)`` does the same for every file
    system.
    """
    libc = _libc()
    if libc is not None:
        fd = os.open(path, os.O_RDONLY)
        try:
            if libc.syncfs(fd) == 0:
                return
        finally:
            os.close(fd)
    os.sync()


@functools.cache
def _libc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None  # pragma: no cover - other platforms use sync(2)
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.syncfs.argtypes = [ctypes.c_int]
    except (OSError, AttributeError):  # pragma: no cover - a libc without syncfs
        return None
    return libc


def _line(document: JsonObject) -> str:
    # U+2028/U+2029 are valid in JSON strings but end a line for some
    # readers; escaping them keeps one credential per line everywhere.
    return dumps(document).replace("\u2028", "\\u2028").replace("\u2029", "\\u2029") + "\n"


# --- the journal -------------------------------------------------------------


class _Journal:
    """The SQLite state file: batch metadata and the rows done."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            _create_private(path)  # SQLite gives its -wal and -shm files this mode
            self._db = sqlite3.connect(path, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"
            )
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS rows ("
                " row INTEGER PRIMARY KEY,"
                " credential_id TEXT UNIQUE,"
                " outcome TEXT NOT NULL CHECK (outcome IN ('issued', 'rejected')))"
            )
            self._db.execute("COMMIT")
        except OSError as exc:
            raise UsageError(f"cannot create the batch state {path}: {exc.strerror}") from None
        except sqlite3.Error as exc:
            raise UsageError(f"cannot open the batch state {path}: {exc}") from None

    def meta(self) -> dict[str, str]:
        return dict(self._db.execute("SELECT key, value FROM meta").fetchall())

    def start(self, meta: dict[str, str]) -> None:
        with self._transaction():
            self._db.executemany(
                "INSERT INTO meta (key, value) VALUES (?, ?)", sorted(meta.items())
            )

    def done(self) -> dict[int, str | None]:
        """Row number -> credential id (``None`` for a rejected row)."""
        return dict(self._db.execute("SELECT row, credential_id FROM rows").fetchall())

    def forget(self, rows: Iterable[int]) -> None:
        with self._transaction():
            self._db.executemany("DELETE FROM rows WHERE row = ?", [(r,) for r in rows])

    def commit_chunk(
        self, entries: Sequence[tuple[int, str | None, str]], sizes: dict[str, int]
    ) -> None:
        with self._transaction():
            self._db.executemany(
                "INSERT INTO rows (row, credential_id, outcome) VALUES (?, ?, ?)", entries
            )
            self._db.executemany(
                "UPDATE meta SET value = ? WHERE key = ?",
                [(str(size), key) for key, size in sizes.items()],
            )

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def close(self) -> None:
        self._db.close()


def _create_private(path: Path) -> None:
    """Create ``path`` empty and owner-only (0600) unless it exists.

    SQLite creates a database 0644 and its journal files with the
    database's mode: an empty 0600 file first keeps all of them private.
    """
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


@contextlib.contextmanager
def _exclusive(state: Path) -> Iterator[None]:
    """Hold ``<state>.lock`` for the run: one batch per state file at a time."""
    try:
        import fcntl  # noqa: PLC0415 - POSIX only
    except ImportError:  # pragma: no cover - Windows: no lock
        yield
        return
    lock_path = state.with_name(state.name + ".lock")
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise UsageError(f"cannot create {lock_path}: {exc.strerror}") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise UsageError(f"another batch is running with the state {state}") from None
        yield
    finally:
        os.close(fd)


# --- outputs -----------------------------------------------------------------


class _AppendFile:
    """A JSON Lines file whose committed length the journal keeps."""

    def __init__(self, path: Path, committed: int) -> None:
        self.path = path
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise UsageError(f"cannot open {path}: {exc.strerror}") from None
        self._handle: IO[bytes] = os.fdopen(fd, "r+b")
        actual = os.fstat(fd).st_size
        if actual < committed:
            self._handle.close()
            raise UsageError(
                f"{path} is shorter than the batch state records: it was changed or replaced"
            )
        if actual > committed:  # a torn or unjournaled tail from a crash
            self._handle.truncate(committed)
            os.fsync(fd)
        self._handle.seek(committed)
        self.size = committed

    def append(self, lines: Sequence[str]) -> None:
        data = "".join(lines).encode("utf-8")
        self._handle.write(data)
        self.size += len(data)

    def sync(self) -> None:
        self._handle.flush()
        os.fsync(self._handle.fileno())

    def close(self) -> None:
        self._handle.close()


class _Folder:
    """One ``<uuid>.json`` per credential, written atomically."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.mkdir(mode=0o700, parents=False, exist_ok=True)
        except OSError as exc:
            raise UsageError(f"cannot create the folder {path}: {exc.strerror}") from None
        for stray in path.glob(f".*.json{_TEMP_SUFFIX}"):  # a crash's leftovers
            stray.unlink()

    @staticmethod
    def name(credential_id: str) -> str:
        return credential_id.rsplit(":", 1)[-1] + ".json"

    def missing(self, credential_ids: Iterable[tuple[int, str]]) -> list[int]:
        return [row for row, cid in credential_ids if not (self.path / self.name(cid)).is_file()]

    def sync(self) -> None:
        _sync_filesystem(self.path)


def _write_credential_file(folder: Path, credential_id: str, line: str) -> None:
    """Write one credential file atomically: a temporary file renamed into place.

    The rename is atomic, so a reader (or a crash) sees no file or the whole
    file. The data reaches the disk at the chunk's :func:`_sync_filesystem`,
    before the journal records the row; a file whose row is not journaled
    is written again on resume.
    """
    final = folder / _Folder.name(credential_id)
    temporary = folder / f".{final.name}{_TEMP_SUFFIX}"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(line.encode("utf-8"))
    os.replace(temporary, final)


# --- building and signing, here or in workers ---------------------------


@dataclass(frozen=True, slots=True)
class _Built:
    row: int
    credential_id: str
    document: JsonObject


@dataclass(frozen=True, slots=True)
class _Signed:
    line: str | None  # None: already written to the folder
    commitment: bytes | None


@dataclass(frozen=True, slots=True)
class _Failed:
    row: int
    code: str
    reason: str


def _build_all(
    registrar: Registrar, rows: Sequence[RegistrationRow], issued_at: datetime
) -> list[_Built | _Failed]:
    """Stage 1: each row to its unsigned credential (no status yet), or a rejection."""
    results: list[_Built | _Failed] = []
    for row in rows:
        try:
            record = birth_record(row)
            credential_id = registrar.birth_credential_id(record.registration.number)
            document = registrar.build_birth(record, credential_id=credential_id, now=issued_at)
        except VcidError as exc:
            results.append(_Failed(row.row, exc.code, str(exc)))
            continue
        results.append(_Built(row.row, credential_id, document))
    return results


@dataclass(frozen=True, slots=True, kw_only=True)
class _Job:
    """What every signing step needs, fixed for the run."""

    registrar: Registrar
    issued_at: datetime
    commit: bool  # compute commitments (the registrar has a log)
    folder: Path | None  # write each credential file here (folder output)


def _sign_all(job: _Job, items: Sequence[tuple[str, JsonObject]]) -> list[_Signed | _Failed]:
    """Stage 3: sign each credential, compute its commitment if it is logged,
    and in folder mode write its file (so the writes run in parallel too)."""
    results: list[_Signed | _Failed] = []
    for credential_id, document in items:
        try:
            signed = job.registrar.sign(document, now=job.issued_at)
        except VcidError as exc:
            results.append(_Failed(0, exc.code, str(exc)))
            continue
        commitment = credential_commitment(signed) if job.commit else None
        line = _line(signed)
        if job.folder is not None:
            _write_credential_file(job.folder, credential_id, line)
            results.append(_Signed(None, commitment))
        else:
            results.append(_Signed(line, commitment))
    return results


#: Set in each forked worker by :func:`_start_worker` (inherited, never pickled).
_WORKER: _Job | None = None


def _start_worker(job: _Job, parent: int) -> None:
    global _WORKER  # noqa: PLW0603 - one per worker process
    _WORKER = job
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle

    def watch() -> None:  # exit when the parent dies (even by SIGKILL)
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="vcid-parent-watch", daemon=True).start()


def _worker() -> _Job:
    if _WORKER is None:  # pragma: no cover - a pool always starts workers first
        raise RuntimeError("the worker was not started")
    return _WORKER


def _worker_build(rows: list[RegistrationRow]) -> list[_Built | _Failed]:
    job = _worker()
    return _build_all(job.registrar, rows, job.issued_at)


def _worker_sign(items: list[tuple[str, JsonObject]]) -> list[_Signed | _Failed]:
    return _sign_all(_worker(), items)


# --- the batch ---------------------------------------------------------------


@dataclass(slots=True)
class _Chunk:
    """One chunk of rows on its way through the stages."""

    numbers: dict[int, tuple[int, str | None]]  # row -> line, registration number
    built: Future[list[_Built | _Failed]] | None = None
    ids: list[int] = field(default_factory=list)  # rows to sign
    items: list[tuple[str, JsonObject]] = field(default_factory=list)  # (id, unsigned)
    rejects: list[tuple[int, str, str]] = field(default_factory=list)  # row, code, reason
    signed: Future[list[_Signed | _Failed]] | None = None


def _reject_line(row: int, line: int, number: str | None, code: str, reason: str) -> str:
    entry: JsonObject = {"row": row, "line": line}
    if number is not None:
        entry["registrationNumber"] = number
    entry["code"] = code
    entry["reason"] = reason
    return dumps(entry) + "\n"


def _workers(workers: int) -> int:
    if isinstance(workers, bool) or not isinstance(workers, int):
        raise UsageError("workers must be an integer")
    if not 1 <= workers <= MAX_WORKERS:
        raise UsageError(f"workers must be from 1 to {MAX_WORKERS}")
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1  # pragma: no cover - keys are never pickled to spawned workers
    return workers


class _Run:
    """One run of a batch: the stages, the outputs and the counters.

    Stage 1 (build; workers), stage 2 (duplicate check and status
    allocation; here, in row order), stage 3 (sign; workers), stage 4
    (log, write, sync, journal; here, in row order).
    """

    def __init__(
        self,
        *,
        registrar: Registrar,
        journal: _Journal,
        out: _AppendFile | _Folder,
        rejects: _AppendFile,
        issued_at: datetime,
        done: dict[int, str | None],
        total: int,
        progress: Callable[[BatchProgress], None] | None,
    ) -> None:
        self.registrar = registrar
        self.journal = journal
        self.out = out
        self.rejects = rejects
        self.issued_at = issued_at
        self.done = done
        self.seen = {cid for cid in done.values() if cid is not None}
        self.total = total
        self.progress = progress
        self.issued = 0
        self.rejected = 0
        self.resumed = len(done)
        self.started = time.monotonic()

    def allocate(self, chunk: _Chunk, built: list[_Built | _Failed]) -> None:
        """Stage 2: reject repeated registrations; give the rest their status."""
        for item in built:
            if isinstance(item, _Failed):
                chunk.rejects.append((item.row, item.code, item.reason))
                continue
            try:
                if item.credential_id in self.seen:
                    raise DuplicateRegistration(
                        "the registration number is already issued in this batch"
                    )
                document = self.registrar.with_status(item.document)
            except VcidError as exc:
                chunk.rejects.append((item.row, exc.code, str(exc)))
                continue
            self.seen.add(item.credential_id)
            chunk.ids.append(item.row)
            chunk.items.append((item.credential_id, document))

    def finish(self, chunk: _Chunk, results: list[_Signed | _Failed]) -> None:
        """Stage 4: log, write and sync the outputs, then journal the chunk."""
        entries: list[tuple[int, str | None, str]] = []
        lines: list[str] = []
        rejects = list(chunk.rejects)
        commitments: list[bytes] = []
        for row, (credential_id, _), result in zip(chunk.ids, chunk.items, results, strict=True):
            if isinstance(result, _Failed):
                rejects.append((row, result.code, result.reason))
                continue
            if result.commitment is not None:
                commitments.append(result.commitment)
            if result.line is not None:
                lines.append(result.line)
            entries.append((row, credential_id, "issued"))
        # One log transaction a chunk; idempotent, so a crash before the
        # journal commit only repeats entries the log already holds.
        self.registrar.record_commitments(commitments, now=self.issued_at)
        issued = len(entries)
        rejects.sort()
        entries.extend((row, None, "rejected") for row, _, _ in rejects)
        sizes: dict[str, int] = {}
        if isinstance(self.out, _AppendFile):
            self.out.append(lines)
            sizes["output_size"] = self.out.size
        if rejects:
            self.rejects.append(
                [_reject_line(row, *chunk.numbers[row], code, why) for row, code, why in rejects]
            )
            self.rejects.sync()
        sizes["rejects_size"] = self.rejects.size
        self.out.sync()
        self.journal.commit_chunk(entries, sizes)  # only now is the chunk done
        self.issued += issued
        self.rejected += len(rejects)
        self.report()

    def report(self) -> None:
        if self.progress is not None:
            self.progress(
                BatchProgress(
                    done=self.resumed + self.issued + self.rejected,
                    total=self.total,
                    issued=self.issued,
                    rejected=self.rejected,
                    resumed=self.resumed,
                    elapsed=time.monotonic() - self.started,
                )
            )

    def chunks(self, source: Path) -> Iterator[list[RegistrationRow]]:
        chunk: list[RegistrationRow] = []
        for row in read_registrations(source):
            if row.row in self.done:
                continue
            chunk.append(row)
            if len(chunk) == CHUNK_ROWS:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    def run(self, source: Path, workers: int) -> None:
        self.report()
        job = _Job(
            registrar=self.registrar,
            issued_at=self.issued_at,
            commit=self.registrar.commitment_log is not None,
            folder=self.out.path if isinstance(self.out, _Folder) else None,
        )
        if workers == 1:
            for rows in self.chunks(source):
                chunk = _Chunk({r.row: (r.line_number, r.registration_number) for r in rows})
                self.allocate(chunk, _build_all(self.registrar, rows, self.issued_at))
                self.finish(chunk, _sign_all(job, chunk.items))
            return
        pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_start_worker,
            initargs=(job, os.getpid()),
        )
        building: deque[_Chunk] = deque()
        signing: deque[_Chunk] = deque()

        def to_signing() -> None:
            chunk = building.popleft()
            assert chunk.built is not None
            self.allocate(chunk, chunk.built.result())
            chunk.signed = pool.submit(_worker_sign, chunk.items)
            signing.append(chunk)

        def to_output() -> None:
            chunk = signing.popleft()
            assert chunk.signed is not None
            self.finish(chunk, chunk.signed.result())

        try:
            for rows in self.chunks(source):
                chunk = _Chunk({r.row: (r.line_number, r.registration_number) for r in rows})
                chunk.built = pool.submit(_worker_build, rows)
                building.append(chunk)
                while len(building) > workers:
                    to_signing()
                while len(signing) > workers:
                    to_output()
            while building:
                to_signing()
            while signing:
                to_output()
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


def _count_rows(source: Path) -> int:
    return sum(1 for _ in read_registrations(source))


def issue_batch(
    source: str | os.PathLike[str],
    *,
    registrar: Registrar,
    out: str | os.PathLike[str],
    rejects: str | os.PathLike[str] | None = None,
    state: str | os.PathLike[str] | None = None,
    workers: int = 1,
    now: datetime,
    progress: Callable[[BatchProgress], None] | None = None,
) -> BatchResult:
    """Issue one birth credential per row of ``source``; resume if started before.

    :param source: the batch file, ``.csv`` or ``.jsonl`` (:mod:`vcid.registrar.rows`).
    :param registrar: issues each credential (its allocator and log, if
        any, are called from this process only).
    :param out: a ``.jsonl`` file, or a folder for one file per credential.
    :param rejects: the rejects file (JSON Lines); by default
        :func:`default_rejects_path`.
    :param state: the journal; by default :func:`default_state_path`. Run
        again with the same one to resume.
    :param workers: signing processes (1: sign in this process).
    :param now: the issuance time of a new batch (aware; whole seconds are
        kept). A resumed batch keeps the time its first run recorded.
    :param progress: called with a :class:`BatchProgress` after every chunk.
    :raises UsageError: for an input unusable as a whole (missing, no rows, a
        wrong CSV header, no JSON object on any line: see
        :func:`~vcid.registrar.rows.read_registrations`; damaged rows are
        rejected instead), an output
        that exists outside this batch, a state file of another batch (other
        input, issuer, key, cryptosuite or outputs) or one in use, or bad
        options.
    """
    source_path = Path(source)
    out_path = Path(out)
    rejects_path = default_rejects_path(out_path) if rejects is None else Path(rejects)
    state_path = default_state_path(out_path) if state is None else Path(state)
    workers = _workers(workers)
    now = require_aware(now, "now").astimezone(UTC).replace(microsecond=0)
    mode = output_mode(out_path)
    if len({p.resolve() for p in (source_path, out_path, rejects_path, state_path)}) != 4:
        raise UsageError("the input, output, rejects and state paths must all differ")

    digest = _file_digest(source_path)
    # The same reader as the issuing: it checks the whole file before anything is written.
    total = _count_rows(source_path)
    if total > MAX_ROWS:  # pragma: no cover - read_registrations stops first
        raise UsageError(f"more than {MAX_ROWS} rows")
    identity = {
        "version": STATE_VERSION,
        "input_sha256": digest,
        "issuer": registrar.issuer,
        "verification_method": registrar.verification_method,
        "cryptosuite": registrar.cryptosuite or "",
        "mode": mode,
        "output": str(out_path.resolve()),
        "rejects": str(rejects_path.resolve()),
    }
    with _exclusive(state_path):
        journal = _Journal(state_path)
        try:
            recorded = journal.meta()
            if recorded:
                changed = sorted(k for k, v in identity.items() if recorded.get(k) != v)
                if changed:
                    raise UsageError(
                        f"the state {state_path} belongs to another batch "
                        f"(different {', '.join(changed)}): use a new output and state"
                    )
                issued_at = parse_datetime_stamp(recorded["issued_at"])
                sizes = {k: int(recorded[k]) for k in ("output_size", "rejects_size")}
            else:
                _refuse_existing(out_path, mode)
                _refuse_existing(rejects_path, "jsonl")
                issued_at = now
                sizes = {"output_size": 0, "rejects_size": 0}
                journal.start(
                    {
                        **identity,
                        "issued_at": format_datetime(issued_at),
                        **{k: str(v) for k, v in sizes.items()},
                    }
                )
            return _resume(
                source_path,
                registrar=registrar,
                journal=journal,
                mode=mode,
                out_path=out_path,
                rejects_path=rejects_path,
                sizes=sizes,
                issued_at=issued_at,
                total=total,
                workers=workers,
                progress=progress,
            )
        finally:
            journal.close()


def _refuse_existing(path: Path, mode: Mode) -> None:
    if mode == "folder":
        if path.exists() and (not path.is_dir() or any(path.iterdir())):
            raise UsageError(f"{path} exists and is not an empty folder: refusing to mix batches")
    elif path.exists() and (not path.is_file() or path.stat().st_size > 0):
        raise UsageError(f"{path} exists: refusing to overwrite it")


def _resume(
    source: Path,
    *,
    registrar: Registrar,
    journal: _Journal,
    mode: Mode,
    out_path: Path,
    rejects_path: Path,
    sizes: dict[str, int],
    issued_at: datetime,
    total: int,
    workers: int,
    progress: Callable[[BatchProgress], None] | None,
) -> BatchResult:
    out: _AppendFile | _Folder
    out = _AppendFile(out_path, sizes["output_size"]) if mode == "jsonl" else _Folder(out_path)
    rejects = _AppendFile(rejects_path, sizes["rejects_size"])
    try:
        done = journal.done()
        if isinstance(out, _Folder):
            lost = out.missing((row, cid) for row, cid in done.items() if cid is not None)
            if lost:  # journaled, yet its file is gone: issue it again
                journal.forget(lost)
                for row in lost:
                    del done[row]
        run = _Run(
            registrar=registrar,
            journal=journal,
            out=out,
            rejects=rejects,
            issued_at=issued_at,
            done=done,
            total=total,
            progress=progress,
        )
        run.run(source, workers)
    finally:
        rejects.close()
        if isinstance(out, _AppendFile):
            out.close()
    return BatchResult(
        total=total,
        issued=run.issued,
        rejected=run.rejected,
        resumed=run.resumed,
        issued_at=issued_at,
        elapsed=time.monotonic() - run.started,
        output=out_path,
        rejects=rejects_path,
        state=journal.path,
        workers=workers,
    )


__all__ = [
    "CHUNK_ROWS",
    "BatchProgress",
    "BatchResult",
    "default_rejects_path",
    "default_state_path",
    "issue_batch",
    "output_mode",
]
