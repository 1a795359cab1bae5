"""The embedded transparency log: one SQLite file.

Tables (every row immutable: triggers abort any UPDATE or DELETE):

* ``leaf(idx, leaf_hash, entry)``: the entries and their leaf hashes;
* ``node(level, idx, hash)``: each aligned perfect subtree of level >= 1,
  stored once it completes, so a root or a proof reads O(log n) rows;
* ``checkpoint(seq, tree_size, time, text)``: every signed checkpoint (a
  trigger rejects one smaller than its predecessor or than the log);
* ``anchor(seq, tree_size, root, ref)``: anchor references of checkpoints;
* ``meta(key, value)``: the origin and the schema version.

The file uses WAL with ``synchronous=FULL``: every append is one
``BEGIN IMMEDIATE`` transaction, and once :meth:`SQLiteLog.append` returns
the entries survive a crash of the process or of the machine. A crash at any
point leaves the file as before or after the transaction, never between.
Several processes may append to one file; SQLite serializes their
transactions. One :class:`SQLiteLog` object belongs to one thread.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path
from typing import Final, Literal, TypeVar

from vcid import _json
from vcid.errors import LedgerUnavailable, LogInconsistent, UsageError, VcidError
from vcid.ledger import merkle
from vcid.ledger.anchor import AnchorRef, log_id_hash
from vcid.ledger.entry import LogEntry
from vcid.ledger.log import LeafRef, StoredLog, check_entries, next_checkpoint
from vcid.ledger.note import NoteSigner, SignedCheckpoint, check_key_name
from vcid.model import require_aware

__all__ = ["SCHEMA_VERSION", "SQLiteLog"]

SCHEMA_VERSION: Final = "1"
_T = TypeVar("_T")
_CHUNK: Final = 400
_CACHE_KIB: Final = 64 * 1024  # keys per SELECT ... IN (...), well under SQLite's variable limit

_SCHEMA: Final = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE leaf (
    idx INTEGER PRIMARY KEY CHECK (idx >= 0),
    leaf_hash BLOB NOT NULL UNIQUE CHECK (length(leaf_hash) = 32),
    entry BLOB NOT NULL CHECK (length(entry) = 42)
);
CREATE INDEX leaf_commitment ON leaf (substr(entry, 3, 32));
CREATE TABLE node (
    level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 63),
    idx INTEGER NOT NULL CHECK (idx >= 0),
    hash BLOB NOT NULL CHECK (length(hash) = 32),
    PRIMARY KEY (level, idx)
) WITHOUT ROWID;
CREATE TABLE checkpoint (
    seq INTEGER PRIMARY KEY,
    tree_size INTEGER NOT NULL CHECK (tree_size >= 0),
    time INTEGER NOT NULL,
    text TEXT NOT NULL
);
CREATE TABLE anchor (
    seq INTEGER PRIMARY KEY,
    tree_size INTEGER NOT NULL,
    root BLOB NOT NULL,
    ref TEXT NOT NULL UNIQUE
);
CREATE INDEX anchor_head ON anchor (tree_size, root);
CREATE TRIGGER checkpoint_grows BEFORE INSERT ON checkpoint
WHEN NEW.tree_size < (SELECT coalesce(max(tree_size), 0) FROM checkpoint)
  OR NEW.tree_size > (SELECT coalesce(max(idx) + 1, 0) FROM leaf)
BEGIN SELECT RAISE(ABORT, 'vcid: a checkpoint must not shrink the log'); END;
"""
_TABLES: Final = ("meta", "leaf", "node", "checkpoint", "anchor")


def _immutable_triggers() -> str:
    statements = []
    for table in _TABLES:
        for action in ("UPDATE", "DELETE"):
            statements.append(
                f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table}"
                f" BEGIN SELECT RAISE(ABORT, 'vcid: log rows are immutable'); END;\n"
            )
    return "".join(statements)


def _statements(script: str) -> Iterator[str]:
    """Split a script into complete statements (triggers hold inner semicolons)."""
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            yield buffer.strip()
            buffer = ""
    if buffer.strip():
        raise AssertionError("incomplete SQL statement in the schema")


def _chunks(items: Sequence[_T], size: int = _CHUNK) -> Iterator[Sequence[_T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise LogInconsistent("the log database returned a non-integer")
    return value


def _bytes(value: object) -> bytes:
    if not isinstance(value, (bytes, bytearray, memoryview)):
        raise LogInconsistent("the log database returned a non-blob")
    return bytes(value)


class SQLiteLog(StoredLog):
    """A transparency log in one SQLite file.

    :param path: the database file.
    :param origin: the log origin; required to create the file, checked
        against the stored one when opening.
    :param create: create the file if it does not exist (default); with
        ``False`` a missing file is an error.
    :param synchronous: ``"FULL"`` (default) makes each commit durable
        across power loss; ``"NORMAL"`` only across a process crash.
    :param busy_timeout: seconds to wait for another writer's lock.
    :raises UsageError: for a missing file (``create=False``), a missing
        origin when creating, an origin that differs from the stored one, or
        a file that is not a vcid log.
    :raises LedgerUnavailable: if the file cannot be opened or written.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        origin: str | None = None,
        create: bool = True,
        synchronous: Literal["FULL", "NORMAL"] = "FULL",
        busy_timeout: float = 30.0,
    ) -> None:
        if synchronous not in ("FULL", "NORMAL"):
            raise UsageError("synchronous must be 'FULL' or 'NORMAL'")
        if isinstance(busy_timeout, bool) or not isinstance(busy_timeout, int | float):
            raise UsageError("busy_timeout must be a number of seconds")
        if not 0 <= busy_timeout <= 3600:
            raise UsageError("busy_timeout must be between 0 and 3600 seconds")
        if origin is not None:
            check_key_name(origin, "origin")
        self._busy_timeout = float(busy_timeout)
        self._path = Path(path)
        exists = self._path.exists()
        if not exists and not create:
            raise UsageError(f"no log database at {self._path}")
        if not exists and origin is None:
            raise UsageError("origin is needed to create a log")
        self._conn = self._connect(synchronous)
        try:
            stored = self._stored_origin()
            if stored is None:
                if origin is None:
                    raise UsageError(f"{self._path} is not a vcid log (no schema)")
                if not create:
                    raise UsageError(f"no log in {self._path}")
                super().__init__(origin)
                self._create_schema()
            else:
                if origin is not None and origin != stored:
                    raise UsageError("the database holds a log with another origin")
                super().__init__(stored)
        except BaseException:
            self._conn.close()
            raise

    @classmethod
    def create(cls, path: str | os.PathLike[str], *, origin: str) -> SQLiteLog:
        """Create a new log file; an existing file is an error.

        :raises UsageError: if ``path`` exists.
        """
        if Path(path).exists():
            raise UsageError(f"{path} already exists")
        return cls(path, origin=origin, create=True)

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> SQLiteLog:
        """Open an existing log file.

        :raises UsageError: if there is no log at ``path``.
        """
        return cls(path, create=False)

    # --- connection ---------------------------------------------------------------

    def _connect(self, synchronous: str) -> sqlite3.Connection:
        try:
            # Owner-only: SQLite gives its -wal, -shm and -journal files this mode.
            with suppress(FileExistsError):
                os.close(os.open(self._path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            conn = sqlite3.connect(self._path, isolation_level=None, timeout=self._busy_timeout)
        except (OSError, sqlite3.Error) as exc:
            raise LedgerUnavailable(f"cannot open the log database: {exc}") from None
        try:
            mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if mode != "wal":
                raise LedgerUnavailable("the log database cannot use WAL journaling")
            conn.execute(f"PRAGMA synchronous={synchronous}")
            # Leaf hashes and commitments are random keys: index inserts touch
            # random pages, so a larger page cache (grown on demand) triples
            # batched appends on a large log.
            conn.execute(f"PRAGMA cache_size=-{_CACHE_KIB}")
            conn.execute("PRAGMA trusted_schema=OFF")
        except sqlite3.DatabaseError:
            conn.close()
            raise UsageError(f"{self._path} is not a SQLite database") from None
        except BaseException:
            conn.close()
            raise
        return conn

    def _stored_origin(self) -> str | None:
        try:
            tables = {
                row[0]
                for row in self._conn.execute("SELECT name FROM sqlite_schema WHERE type='table'")
            }
            if not tables:
                return None
            if "meta" not in tables:
                raise UsageError(f"{self._path} is not a vcid log")
            rows = dict(self._conn.execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.DatabaseError:
            raise UsageError(f"{self._path} is not a vcid log") from None
        if rows.get("format") != "vcid-log" or rows.get("version") != SCHEMA_VERSION:
            raise UsageError(f"{self._path} is not a vcid log of schema {SCHEMA_VERSION}")
        origin = rows.get("origin")
        if not isinstance(origin, str):
            raise UsageError(f"{self._path} has no log origin")
        return origin

    def _create_schema(self) -> None:
        with self._write() as conn:
            for statement in _statements(_SCHEMA + _immutable_triggers()):
                conn.execute(statement)
            conn.executemany(
                "INSERT INTO meta (key, value) VALUES (?, ?)",
                [("format", "vcid-log"), ("version", SCHEMA_VERSION), ("origin", self.origin)],
            )

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, holding SQLite's write lock from the start."""
        conn = self._conn
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise LedgerUnavailable(f"cannot lock the log database: {exc}") from None
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.IntegrityError):
                raise LogInconsistent(f"the log database refused a write: {exc}") from None
            if isinstance(exc, sqlite3.Error):
                raise LedgerUnavailable(f"the log database failed: {exc}") from None
            raise

    def _read(self, sql: str, params: Sequence[object] = ()) -> list[tuple[object, ...]]:
        try:
            return self._conn.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise LedgerUnavailable(f"cannot read the log database: {exc}") from None

    def close(self) -> None:
        """Close the database connection."""
        self._conn.close()

    def __repr__(self) -> str:
        return f"SQLiteLog({str(self._path)!r}, origin={self.origin!r})"

    @property
    def path(self) -> Path:
        return self._path

    # --- the tree -------------------------------------------------------------------

    @property
    def size(self) -> int:
        value = self._read("SELECT coalesce(max(idx) + 1, 0) FROM leaf")[0][0]
        assert isinstance(value, int)
        return value

    def nodes(self, keys: Sequence[merkle.NodeKey]) -> dict[merkle.NodeKey, bytes]:
        """Stored hashes of perfect subtrees (:class:`~vcid.ledger.merkle.NodeReader`).

        :raises LogInconsistent: if a requested node is not stored.
        """
        found: dict[merkle.NodeKey, bytes] = {}
        leaves = [index for level, index in keys if level == 0]
        inner = [(level, index) for level, index in keys if level > 0]
        for chunk in _chunks(leaves):
            marks = ",".join("?" * len(chunk))
            for idx, digest in self._read(
                f"SELECT idx, leaf_hash FROM leaf WHERE idx IN ({marks})",  # noqa: S608
                list(chunk),
            ):
                found[(0, _int(idx))] = _bytes(digest)
        for pairs in _chunks(inner, _CHUNK // 2):
            marks = ",".join("(?, ?)" for _ in pairs)
            params = [value for key in pairs for value in key]
            for level, idx, digest in self._read(
                f"WITH k (level, idx) AS (VALUES {marks}) SELECT n.level, n.idx, n.hash"  # noqa: S608
                " FROM k CROSS JOIN node AS n ON n.level = k.level AND n.idx = k.idx",
                params,
            ):
                found[(_int(level), _int(idx))] = _bytes(digest)
        self._missing(keys, found)
        return found

    def append(self, entries: Sequence[LogEntry]) -> list[LeafRef]:
        """Append entries in one transaction (see :class:`TransparencyLog`).

        :raises UsageError: for an empty or too large batch, or a non-entry.
        :raises LedgerUnavailable: if the database cannot be written.
        """
        batch = check_entries(entries)
        hashes = [entry.leaf_hash for entry in batch]
        with self._write() as conn:
            size = self.size
            existing: dict[bytes, int] = {}
            unique = list(dict.fromkeys(hashes))
            for chunk in _chunks(unique):
                marks = ",".join("?" * len(chunk))
                for idx, digest in conn.execute(
                    f"SELECT idx, leaf_hash FROM leaf WHERE leaf_hash IN ({marks})",  # noqa: S608
                    list(chunk),
                ):
                    existing[digest] = idx
            refs: list[LeafRef] = []
            new: list[tuple[LogEntry, bytes]] = []
            for entry, digest in zip(batch, hashes, strict=True):
                if digest not in existing:
                    existing[digest] = size + len(new)
                    new.append((entry, digest))
                refs.append(LeafRef(index=existing[digest], leaf_hash=digest))
            if new:
                frontier = self.nodes(merkle.frontier_keys(size))
                rows = merkle.extend(size, frontier, [digest for _, digest in new])
                conn.executemany(
                    "INSERT INTO leaf (idx, leaf_hash, entry) VALUES (?, ?, ?)",
                    [
                        (size + offset, digest, entry.to_bytes())
                        for offset, (entry, digest) in enumerate(new)
                    ],
                )
                conn.executemany(
                    "INSERT INTO node (level, idx, hash) VALUES (?, ?, ?)",
                    [row for row in rows if row[0] > 0],
                )
        return refs

    def entry(self, index: int) -> LogEntry:
        """The entry at ``index``.

        :raises UsageError: if there is no entry at ``index``.
        """
        if isinstance(index, bool) or not isinstance(index, int) or index < 0:
            raise UsageError("index must be a non-negative int")
        rows = self._read("SELECT entry FROM leaf WHERE idx = ?", [index])
        if not rows:
            raise UsageError("no entry at this index")
        data = rows[0][0]
        assert isinstance(data, bytes)
        return LogEntry.from_bytes(data)

    def index_of(self, leaf_hash: bytes) -> int | None:
        if not isinstance(leaf_hash, bytes):
            raise UsageError("leaf_hash must be bytes")
        rows = self._read("SELECT idx FROM leaf WHERE leaf_hash = ?", [leaf_hash])
        return _int(rows[0][0]) if rows else None

    def index_of_commitment(self, commitment: bytes) -> int | None:
        if not isinstance(commitment, bytes):
            raise UsageError("commitment must be bytes")
        rows = self._read("SELECT min(idx) FROM leaf WHERE substr(entry, 3, 32) = ?", [commitment])
        value = rows[0][0]
        return value if isinstance(value, int) else None

    # --- checkpoints and anchors -----------------------------------------------------

    def checkpoint(self, signer: NoteSigner, *, now: datetime) -> SignedCheckpoint:
        """Sign and store a checkpoint of the whole log (see :class:`TransparencyLog`).

        :raises UsageError: if ``now`` is naive or before the latest checkpoint.
        :raises LogInconsistent: if the stored tree no longer matches the
            latest checkpoint.
        """
        require_aware(now, "now")
        with self._write() as conn:
            size = self.size
            previous = self.latest_checkpoint()
            previous_root = (
                merkle.tree_root(self, previous.checkpoint.tree_size) if previous else None
            )
            signed = next_checkpoint(
                origin=self.origin,
                previous=previous,
                size=size,
                root=merkle.tree_root(self, size),
                previous_root=previous_root,
                signer=signer,
                now=now,
            )
            conn.execute(
                "INSERT INTO checkpoint (tree_size, time, text) VALUES (?, ?, ?)",
                (size, signed.checkpoint.time, signed.text),
            )
        return signed

    def latest_checkpoint(self) -> SignedCheckpoint | None:
        rows = self._read("SELECT text FROM checkpoint ORDER BY seq DESC LIMIT 1")
        return self._parse_checkpoint(rows[0][0]) if rows else None

    def checkpoint_at(self, tree_size: int) -> SignedCheckpoint | None:
        """The newest stored checkpoint of exactly ``tree_size`` entries, if any."""
        rows = self._read(
            "SELECT text FROM checkpoint WHERE tree_size = ? ORDER BY seq DESC LIMIT 1",
            [tree_size],
        )
        return self._parse_checkpoint(rows[0][0]) if rows else None

    @staticmethod
    def _parse_checkpoint(text: object) -> SignedCheckpoint:
        if not isinstance(text, str):
            raise LogInconsistent("a stored checkpoint is not text")
        try:
            return SignedCheckpoint.parse(text)
        except VcidError:
            raise LogInconsistent("a stored checkpoint is malformed") from None

    def record_anchor(self, ref: AnchorRef) -> None:
        """Keep ``ref`` for receipts (idempotent).

        :raises UsageError: if ``ref`` is for another log or a root this log
            does not have.
        """
        if not isinstance(ref, AnchorRef):
            raise UsageError("ref must be an AnchorRef")
        if ref.log_id_hash != log_id_hash(self.origin):
            raise UsageError("the anchor is for another log")
        if ref.tree_size > self.size or self.root(ref.tree_size) != ref.root:
            raise UsageError("the anchor is for a root this log does not have")
        text = _json.dumps(ref.to_json())
        with self._write() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO anchor (tree_size, root, ref) VALUES (?, ?, ?)",
                (ref.tree_size, ref.root, text),
            )

    def anchors(self, tree_size: int, root: bytes) -> tuple[AnchorRef, ...]:
        rows = self._read(
            "SELECT ref FROM anchor WHERE tree_size = ? AND root = ? ORDER BY seq",
            [tree_size, root],
        )
        refs = []
        for (text,) in rows:
            assert isinstance(text, str)
            refs.append(AnchorRef.from_json(_json.load_object(text)))
        return tuple(refs)

    def leaves(self, start: int, end: int) -> list[tuple[int, bytes]]:
        """``(index, leaf hash)`` of entries ``start <= index < end`` (for audits)."""
        if end - start > 1_000_000:
            raise UsageError("read at most 1,000,000 leaves at a time")
        rows = self._read(
            "SELECT idx, leaf_hash FROM leaf WHERE idx >= ? AND idx < ? ORDER BY idx",
            [start, end],
        )
        return [(_int(i), _bytes(h)) for i, h in rows]
