"""A transparency log in PostgreSQL, for several writers sharing one log.

Needs the optional ``postgres`` extra (psycopg 3). Several logs share one
set of tables, told apart by origin:

* ``vcid_log(id, origin, size)``: one row per log; ``size`` is the
  sequencer. Every append and checkpoint locks it (``SELECT ... FOR
  UPDATE``), so indexes are gapless and never duplicated whatever the
  number of writer processes; a trigger forbids it to shrink;
* ``vcid_leaf``, ``vcid_node``, ``vcid_checkpoint``, ``vcid_anchor``: as in
  :mod:`vcid.ledger.sqlite`, immutable (triggers reject UPDATE and DELETE).

Each append is one transaction: durable once it returns (with the server's
``fsync`` on).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Final

import psycopg

from vcid import _json
from vcid.errors import LedgerUnavailable, LogInconsistent, UsageError, VcidError
from vcid.ledger import merkle
from vcid.ledger.anchor import AnchorRef, log_id_hash
from vcid.ledger.entry import LogEntry
from vcid.ledger.log import LeafRef, StoredLog, check_entries, next_checkpoint
from vcid.ledger.note import NoteSigner, SignedCheckpoint
from vcid.model import require_aware

__all__ = ["PostgresLog"]

#: pg_advisory_xact_lock key guarding schema creation ("vcidlog1" as int64).
_SCHEMA_LOCK: Final = 0x7663_6964_6C6F_6731

_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS vcid_log (
    id BIGSERIAL PRIMARY KEY,
    origin TEXT NOT NULL UNIQUE,
    size BIGINT NOT NULL DEFAULT 0 CHECK (size >= 0)
);
CREATE TABLE IF NOT EXISTS vcid_leaf (
    log_id BIGINT NOT NULL REFERENCES vcid_log (id),
    idx BIGINT NOT NULL CHECK (idx >= 0),
    leaf_hash BYTEA NOT NULL CHECK (length(leaf_hash) = 32),
    entry BYTEA NOT NULL CHECK (length(entry) = 42),
    PRIMARY KEY (log_id, idx),
    UNIQUE (log_id, leaf_hash)
);
CREATE INDEX IF NOT EXISTS vcid_leaf_commitment
    ON vcid_leaf (log_id, substring(entry FROM 3 FOR 32));
CREATE TABLE IF NOT EXISTS vcid_node (
    log_id BIGINT NOT NULL REFERENCES vcid_log (id),
    level SMALLINT NOT NULL CHECK (level BETWEEN 1 AND 63),
    idx BIGINT NOT NULL CHECK (idx >= 0),
    hash BYTEA NOT NULL CHECK (length(hash) = 32),
    PRIMARY KEY (log_id, level, idx)
);
CREATE TABLE IF NOT EXISTS vcid_checkpoint (
    log_id BIGINT NOT NULL REFERENCES vcid_log (id),
    seq BIGSERIAL,
    tree_size BIGINT NOT NULL CHECK (tree_size >= 0),
    time BIGINT NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (log_id, seq)
);
CREATE TABLE IF NOT EXISTS vcid_anchor (
    log_id BIGINT NOT NULL REFERENCES vcid_log (id),
    seq BIGSERIAL,
    tree_size BIGINT NOT NULL,
    root BYTEA NOT NULL,
    ref TEXT NOT NULL,
    PRIMARY KEY (log_id, seq),
    UNIQUE (log_id, ref)
);
CREATE OR REPLACE FUNCTION vcid_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'vcid: log rows are immutable'; END $$;
CREATE OR REPLACE FUNCTION vcid_log_grows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.size < OLD.size OR NEW.origin <> OLD.origin OR NEW.id <> OLD.id THEN
        RAISE EXCEPTION 'vcid: a log only grows';
    END IF;
    RETURN NEW;
END $$;
CREATE OR REPLACE FUNCTION vcid_checkpoint_grows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.tree_size < (SELECT coalesce(max(tree_size), 0) FROM vcid_checkpoint
                        WHERE log_id = NEW.log_id)
       OR NEW.tree_size > (SELECT size FROM vcid_log WHERE id = NEW.log_id) THEN
        RAISE EXCEPTION 'vcid: a checkpoint must not shrink the log';
    END IF;
    RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER vcid_log_grows BEFORE UPDATE ON vcid_log
    FOR EACH ROW EXECUTE FUNCTION vcid_log_grows();
CREATE OR REPLACE TRIGGER vcid_log_no_delete BEFORE DELETE ON vcid_log
    FOR EACH ROW EXECUTE FUNCTION vcid_immutable();
CREATE OR REPLACE TRIGGER vcid_checkpoint_grows BEFORE INSERT ON vcid_checkpoint
    FOR EACH ROW EXECUTE FUNCTION vcid_checkpoint_grows();
"""
_IMMUTABLE: Final = ("vcid_leaf", "vcid_node", "vcid_checkpoint", "vcid_anchor")


def _schema_statements() -> list[str]:
    statements = [_SCHEMA]
    for table in _IMMUTABLE:
        statements.append(
            f"CREATE OR REPLACE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table}"
            " FOR EACH ROW EXECUTE FUNCTION vcid_immutable();"
        )
    statements.append(
        "CREATE TABLE vcid_schema (version TEXT NOT NULL);"
        " INSERT INTO vcid_schema (version) VALUES ('1');"
    )
    return statements


def _int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise LogInconsistent("the log database returned a non-integer")
    return value


def _bytes(value: object) -> bytes:
    if not isinstance(value, (bytes, bytearray, memoryview)):
        raise LogInconsistent("the log database returned a non-blob")
    return bytes(value)


class PostgresLog(StoredLog):
    """A transparency log in PostgreSQL (see the module docstring).

    :param dsn: a libpq connection string.
    :param origin: the log origin; the log is created if it does not exist.
    :raises LedgerUnavailable: if the server cannot be reached.
    :raises UsageError: for a bad origin.
    """

    def __init__(self, dsn: str, *, origin: str) -> None:
        super().__init__(origin)
        if not isinstance(dsn, str):
            raise UsageError("dsn must be a libpq connection string")
        try:
            self._conn = psycopg.connect(dsn, autocommit=True)
        except psycopg.Error:
            raise LedgerUnavailable("cannot connect to the PostgreSQL log") from None
        try:
            with self._write() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
                cur.execute("SELECT to_regclass('vcid_schema') IS NOT NULL")
                row = cur.fetchone()
                if not (row and row[0]):
                    for statement in _schema_statements():
                        cur.execute(statement)
                cur.execute(
                    "INSERT INTO vcid_log (origin) VALUES (%s) ON CONFLICT (origin) DO NOTHING",
                    (self.origin,),
                )
                cur.execute("SELECT id FROM vcid_log WHERE origin = %s", (self.origin,))
                row = cur.fetchone()
                assert row is not None
                self._log_id = _int(row[0])
        except BaseException:
            self._conn.close()
            raise

    @contextmanager
    def _write(self) -> Iterator[psycopg.Cursor[tuple[object, ...]]]:
        try:
            with self._conn.transaction(), self._conn.cursor() as cur:
                yield cur
        except psycopg.IntegrityError as exc:
            raise LogInconsistent(f"the log database refused a write: {exc.sqlstate}") from None
        except psycopg.errors.RaiseException:
            raise LogInconsistent("the log database refused a write (immutable rows)") from None
        except psycopg.Error as exc:
            raise LedgerUnavailable(f"the PostgreSQL log failed: {exc.sqlstate}") from None

    def _read(self, sql: str, params: Sequence[object]) -> list[tuple[object, ...]]:
        try:
            with self._conn.cursor() as cur:
                cur.execute(sql, params)
                return cur.fetchall()
        except psycopg.Error as exc:
            raise LedgerUnavailable(f"cannot read the PostgreSQL log: {exc.sqlstate}") from None

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()

    def __repr__(self) -> str:
        return f"PostgresLog(origin={self.origin!r})"

    # --- the tree -------------------------------------------------------------------

    @property
    def size(self) -> int:
        value = self._read("SELECT size FROM vcid_log WHERE id = %s", (self._log_id,))[0][0]
        assert isinstance(value, int)
        return value

    def nodes(self, keys: Sequence[merkle.NodeKey]) -> dict[merkle.NodeKey, bytes]:
        """Stored hashes of perfect subtrees (:class:`~vcid.ledger.merkle.NodeReader`).

        :raises LogInconsistent: if a requested node is not stored.
        """
        found: dict[merkle.NodeKey, bytes] = {}
        leaves = [index for level, index in keys if level == 0]
        inner = [(level, index) for level, index in keys if level > 0]
        if leaves:
            for idx, digest in self._read(
                "SELECT idx, leaf_hash FROM vcid_leaf WHERE log_id = %s AND idx = ANY(%s)",
                (self._log_id, leaves),
            ):
                found[(0, _int(idx))] = _bytes(digest)
        if inner:
            for level, idx, digest in self._read(
                "SELECT n.level, n.idx, n.hash FROM vcid_node n"
                " JOIN unnest(%s::smallint[], %s::bigint[]) AS k (level, idx)"
                " ON n.level = k.level AND n.idx = k.idx WHERE n.log_id = %s",
                ([k[0] for k in inner], [k[1] for k in inner], self._log_id),
            ):
                found[(_int(level), _int(idx))] = _bytes(digest)
        self._missing(keys, found)
        return found

    def _lock_size(self, cur: psycopg.Cursor[tuple[object, ...]]) -> int:
        cur.execute("SELECT size FROM vcid_log WHERE id = %s FOR UPDATE", (self._log_id,))
        row = cur.fetchone()
        assert row is not None
        return _int(row[0])

    def append(self, entries: Sequence[LogEntry]) -> list[LeafRef]:
        """Append entries in one transaction (see :class:`TransparencyLog`).

        :raises UsageError: for an empty or too large batch, or a non-entry.
        :raises LedgerUnavailable: if the database cannot be written.
        """
        batch = check_entries(entries)
        hashes = [entry.leaf_hash for entry in batch]
        with self._write() as cur:
            size = self._lock_size(cur)
            cur.execute(
                "SELECT idx, leaf_hash FROM vcid_leaf WHERE log_id = %s AND leaf_hash = ANY(%s)",
                (self._log_id, list(dict.fromkeys(hashes))),
            )
            existing = {_bytes(h): _int(i) for i, h in cur.fetchall()}
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
                cur.executemany(
                    "INSERT INTO vcid_leaf (log_id, idx, leaf_hash, entry) VALUES (%s, %s, %s, %s)",
                    [
                        (self._log_id, size + offset, digest, entry.to_bytes())
                        for offset, (entry, digest) in enumerate(new)
                    ],
                )
                inner = [(self._log_id, *row) for row in rows if row[0] > 0]
                if inner:
                    cur.executemany(
                        "INSERT INTO vcid_node (log_id, level, idx, hash) VALUES (%s, %s, %s, %s)",
                        inner,
                    )
                cur.execute(
                    "UPDATE vcid_log SET size = %s WHERE id = %s", (size + len(new), self._log_id)
                )
        return refs

    def entry(self, index: int) -> LogEntry:
        """The entry at ``index``.

        :raises UsageError: if there is no entry at ``index``.
        """
        if isinstance(index, bool) or not isinstance(index, int) or index < 0:
            raise UsageError("index must be a non-negative int")
        rows = self._read(
            "SELECT entry FROM vcid_leaf WHERE log_id = %s AND idx = %s", (self._log_id, index)
        )
        if not rows:
            raise UsageError("no entry at this index")
        return LogEntry.from_bytes(_bytes(rows[0][0]))

    def index_of(self, leaf_hash: bytes) -> int | None:
        if not isinstance(leaf_hash, bytes):
            raise UsageError("leaf_hash must be bytes")
        rows = self._read(
            "SELECT idx FROM vcid_leaf WHERE log_id = %s AND leaf_hash = %s",
            (self._log_id, leaf_hash),
        )
        return _int(rows[0][0]) if rows else None

    def index_of_commitment(self, commitment: bytes) -> int | None:
        if not isinstance(commitment, bytes):
            raise UsageError("commitment must be bytes")
        rows = self._read(
            "SELECT min(idx) FROM vcid_leaf"
            " WHERE log_id = %s AND substring(entry FROM 3 FOR 32) = %s",
            (self._log_id, commitment),
        )
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
        with self._write() as cur:
            size = self._lock_size(cur)
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
            cur.execute(
                "INSERT INTO vcid_checkpoint (log_id, tree_size, time, text)"
                " VALUES (%s, %s, %s, %s)",
                (self._log_id, size, signed.checkpoint.time, signed.text),
            )
        return signed

    def latest_checkpoint(self) -> SignedCheckpoint | None:
        rows = self._read(
            "SELECT text FROM vcid_checkpoint WHERE log_id = %s ORDER BY seq DESC LIMIT 1",
            (self._log_id,),
        )
        if not rows:
            return None
        text = rows[0][0]
        try:
            assert isinstance(text, str)
            return SignedCheckpoint.parse(text)
        except (VcidError, AssertionError):
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
        with self._write() as cur:
            cur.execute(
                "INSERT INTO vcid_anchor (log_id, tree_size, root, ref) VALUES (%s, %s, %s, %s)"
                " ON CONFLICT (log_id, ref) DO NOTHING",
                (self._log_id, ref.tree_size, ref.root, _json.dumps(ref.to_json())),
            )

    def anchors(self, tree_size: int, root: bytes) -> tuple[AnchorRef, ...]:
        rows = self._read(
            "SELECT ref FROM vcid_anchor WHERE log_id = %s AND tree_size = %s AND root = %s"
            " ORDER BY seq",
            (self._log_id, tree_size, root),
        )
        return tuple(AnchorRef.from_json(_json.load_object(str(text))) for (text,) in rows)
