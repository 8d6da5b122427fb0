"""What the API reads: a snapshot of the store, so that serving never blocks ``detente ingest``.

DuckDB lets one process write a file and no other process read it meanwhile (a read-only
connection in another process is refused, and while one is open a writer is refused). So the
server never opens the store itself: each process of ``detente serve`` reads a private copy of it
(in a temporary folder), and makes a new copy when the store file has changed, i.e. after a writer
has committed a batch and let go of the file (:mod:`detente.store`: a run does between batches).

Contract (used by :mod:`detente.api`): ``snapshot_of(db).lease() -> Lease`` (``.path``, the copy to
open read-only; ``.release()`` when done). A lease pins its copy: a newer copy may replace it for
later requests, but it is deleted only when the last lease on it is released. ``lease.cached(key,
make)``: what requests derive from a copy (:mod:`detente.api`: the analysis database with the
happenings brought up to date), made once per copy and shared, closed when the copy is deleted.

Why a copy is never torn: it is taken while holding a shared lock on the store file, the very lock
DuckDB takes (a POSIX record lock over the whole file): no writer can have the file open while it
is copied, and a writer that has closed it has checkpointed every committed transaction into it
(the ``.wal`` file, if a crashed writer left one, is copied with it). A writer that wants the file
during a copy waits for it (``Store`` retries its open for ``LOCK_WAIT`` seconds).

When copies are made: on a request, if the store's ``stat`` (inode, size, mtime, and its ``.wal``)
differs from the copy's; not while the writer holds the file (the request reads the last copy, a
committed state a batch old); and, once a copy has taken more than ``SPACED_AFTER`` seconds, not
more often than every ``COPY_SPACING`` times the last copy's duration (a large store is copied
less often, so the server holds the file at most ~1/11 of the time). Only a process that has no
copy yet waits for the writer to let go of the file (up to ``wait`` seconds, then 503 ``E301``).

Where the copies are, and what they cost: in a folder ``detente-snapshots-<pid>-*`` in the
temporary directory (``$TMPDIR``, else ``/tmp``), one per server process: the latest copy, plus a
replaced one for as long as a request still reads it; so up to about twice the store's size per
``serve`` worker on that disk. The folder is deleted when the server stops (:func:`close_all`, run
at the application's shutdown and at exit); a server killed with SIGKILL cannot, so each new folder
first deletes those of dead servers (a folder's owner holds an ``flock`` on its ``.lock`` file for
as long as it lives; :func:`sweep`).
"""

from __future__ import annotations

import atexit
import contextlib
import errno
import itertools
import os
import shutil
import struct
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from .errors import StoreError
from .store import Store, _store_error

COPY_SPACING = 10.0  # at most one copy per 10x the last copy's duration (copying takes <= ~10% of the time)
SPACED_AFTER = 0.02  # seconds: quicker copies are made whenever the store has changed
FOLDER_PREFIX = "detente-snapshots-"
SWEEP_AFTER = 10.0  # seconds: a folder changed more recently is never swept (its server may be starting)
RETRY_LOCK = 0.05  # seconds between attempts to take the lock while the writer holds the file
DEFAULT_WAIT = 10.0  # seconds a process with no copy yet waits for the writer to let go
SETTLED = 1.0  # seconds: a store modified less than this before its copy is looked at again (mtime ticks are coarse)


def _signature(db: str) -> tuple[int, ...] | None:
    """What changes whenever a writer has committed to the file: inode, size and mtime of the store and its WAL."""
    try:
        st = os.stat(db)
    except OSError:
        return None
    sig = (st.st_ino, st.st_size, st.st_mtime_ns)
    try:
        wal = os.stat(db + ".wal")
        return (*sig, wal.st_size, wal.st_mtime_ns)
    except OSError:
        return sig


# The shared lock. DuckDB takes a POSIX (fcntl) lock over the whole file. An open-file-description
# lock (Linux) conflicts with it even in this same process and is not dropped when another handle
# on the file is closed; elsewhere a classic lockf lock (conflicts with other processes only).
_OFD_SETLK = getattr(__import__("fcntl"), "F_OFD_SETLK", None)
_FLOCK = "hhqqi4x"  # struct flock on 64-bit Linux: l_type, l_whence, l_start, l_len, l_pid


def _lock(fd: int, shared: bool) -> bool:
    """Take (``shared``) or drop the shared lock on ``fd``; False if a writer holds the file."""
    import fcntl

    kind = fcntl.F_RDLCK if shared else fcntl.F_UNLCK
    try:
        if _OFD_SETLK is not None and struct.calcsize(_FLOCK) == 32:
            fcntl.fcntl(fd, _OFD_SETLK, struct.pack(_FLOCK, kind, os.SEEK_SET, 0, 0, 0))
        else:
            fcntl.lockf(fd, (fcntl.LOCK_SH | fcntl.LOCK_NB) if shared else fcntl.LOCK_UN)
    except OSError as exc:
        if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
            return False
        raise
    return True


@dataclass
class _Copy:
    path: str
    signature: tuple[int, ...] | None
    made: float  # time.time() when the copy started
    leases: int = 0
    retired: bool = False
    keep: Any = None  # a connection that keeps DuckDB's instance of the copy loaded between requests
    # what requests derive from this copy once and share (Lease.cached), closed with the copy
    cache: dict[Any, Any] = field(default_factory=dict)
    cache_lock: threading.Lock = field(default_factory=threading.Lock)  # guards cache and building
    building: dict[Any, threading.Lock] = field(default_factory=dict)  # a lock per key: one build at a time
    deleted: bool = False

    def settled(self) -> bool:
        """Unchanged since the copy, for sure: its mtime is well before the copy (or a second has passed)."""
        mtime = self.signature[2] / 1e9 if self.signature else 0.0
        return self.made - mtime > SETTLED or time.time() - self.made < SETTLED

    def delete(self) -> None:
        with self.cache_lock:
            self.deleted = True
            cached, self.cache = list(self.cache.values()), {}
        for obj in cached:
            with contextlib.suppress(Exception):
                obj.close()
        if self.keep is not None:
            with contextlib.suppress(duckdb.Error):
                self.keep.close()
        for p in (self.path, self.path + ".wal"):
            with contextlib.suppress(OSError):
                os.remove(p)


@dataclass
class Lease:
    """A copy of the store, kept on disk until :meth:`release`."""

    path: str
    _snapshot: Snapshot
    _copy: _Copy
    _released: bool = field(default=False)

    def cached(self, key: Any, make: Callable[[str], Any]) -> Any:
        """``make(path)`` of this lease's copy, made once per copy and ``key`` and shared by every
        lease on it (the copy never changes); closed (``.close()``) when the copy is deleted, i.e.
        after the last lease on a replaced copy is released. Concurrent callers wait for one build."""
        copy = self._copy
        with copy.cache_lock:
            if key in copy.cache:
                return copy.cache[key]
            building = copy.building.setdefault(key, threading.Lock())
        with building:  # one build per key; other keys' requests are not held up
            with copy.cache_lock:
                if key in copy.cache:
                    return copy.cache[key]
            obj = make(self.path)
            with copy.cache_lock:
                if not copy.deleted:  # deleted under a live lease only at shutdown: then not kept
                    copy.cache[key] = obj
                self._snapshot.cache_builds += 1
            return obj

    def release(self) -> None:
        if not self._released:
            self._released = True
            self._snapshot._release(self._copy)


class Snapshot:
    """The copies of one store file in this process (module docstring)."""

    def __init__(self, db: str, wait: float = DEFAULT_WAIT) -> None:
        self.db = db
        self.wait = wait
        self._lock = threading.Lock()  # guards _current and the leases
        self._copying = threading.Lock()  # one copy at a time
        self._current: _Copy | None = None
        self._fd: int | None = None  # kept open: closing a handle would drop this process's DuckDB locks
        self._fd_ino: int | None = None
        self._next_copy = 0.0  # monotonic time before which no new copy is made
        self.copies = 0  # made so far (tests, benchmarks)
        self.cache_builds = 0  # Lease.cached() builds so far (tests)
        self.last_copy_seconds = 0.0

    # -- leases ---------------------------------------------------------------------------
    def lease(self) -> Lease:
        """A committed state of the store, as fresh as the rules in the module docstring allow."""
        if not Path(self.db).exists():
            raise StoreError("E306", self.db, "no store here yet; run `detente ingest` first (or pass --db)")
        copy = self._fresh()
        with self._lock:
            if copy.retired and self._current is not None:  # replaced since: take the newest
                copy = self._current
            copy.leases += 1
        return Lease(copy.path, self, copy)

    def _release(self, copy: _Copy) -> None:
        with self._lock:
            copy.leases -= 1
            gone = copy.retired and copy.leases <= 0
        if gone:
            copy.delete()

    def _fresh(self) -> _Copy:
        current = self._current
        sig = _signature(self.db)
        if current is not None and ((sig == current.signature and current.settled())
                                    or time.monotonic() < self._next_copy):
            return current
        if not self._copying.acquire(blocking=current is None, timeout=-1 if current is not None else self.wait):
            if current is not None:
                return current  # another request is copying: this one reads the last copy
            raise self._busy()
        try:
            current = self._current
            if current is not None and _signature(self.db) == current.signature and current.settled():
                return current  # copied by the request that held _copying
            made = self._copy(wait=0.0 if current is not None else self.wait)
            if made is None:  # the writer holds the file: read the last committed copy
                self._next_copy = time.monotonic() + RETRY_LOCK
                if current is None:
                    raise self._busy()
                return current
            with self._lock:
                old, self._current = self._current, made
                gone = old is not None and old.leases <= 0
                if old is not None:
                    old.retired = True
            if old is not None and gone:
                old.delete()
            return made
        finally:
            self._copying.release()

    def _busy(self) -> StoreError:
        return StoreError("E301", self.db, f"a writer has held the store for {self.wait:g} s and this server has "
                                           "no copy of it yet; retry in a moment")

    # -- copying --------------------------------------------------------------------------
    def _handle(self) -> int:
        """A handle on the store file to lock, kept open (reopened if the file was replaced)."""
        ino = os.stat(self.db).st_ino
        if self._fd is None or self._fd_ino != ino:
            fd = os.open(self.db, os.O_RDONLY)
            old, self._fd, self._fd_ino = self._fd, fd, os.fstat(fd).st_ino
            if old is not None:
                os.close(old)
        return self._fd

    def _copy(self, wait: float) -> _Copy | None:
        """Copy the store under the shared lock; None if a writer held it for ``wait`` seconds."""
        deadline = time.monotonic() + wait
        try:
            fd = self._handle()
            while not _lock(fd, shared=True):
                if time.monotonic() >= deadline:
                    return None
                time.sleep(RETRY_LOCK)
            started, made = time.monotonic(), time.time()
            try:
                sig = _signature(self.db)
                path = os.path.join(_folder(), f"{next(_NUMBERS)}-{Path(self.db).name}")
                shutil.copyfile(self.db, path)
                if os.path.exists(self.db + ".wal"):  # left by a writer that crashed: replayed on open
                    shutil.copyfile(self.db + ".wal", path + ".wal")
            finally:
                _lock(fd, shared=False)
        except FileNotFoundError:
            raise StoreError("E306", self.db, "no store here yet; run `detente ingest` first (or pass --db)") from None
        except OSError as exc:
            reason = f"cannot copy the store for reading: {exc.strerror or exc}"
            if exc.errno == errno.ENOSPC:
                raise StoreError("E303", self.db, reason) from None
            raise StoreError("E300", self.db, reason) from None
        self.last_copy_seconds = time.monotonic() - started
        if self.last_copy_seconds > SPACED_AFTER:
            self._next_copy = time.monotonic() + COPY_SPACING * self.last_copy_seconds
        self.copies += 1
        copy = _Copy(path, sig, made)
        try:
            copy.keep = duckdb.connect(path, read_only=True)
        except duckdb.Error as exc:
            copy.delete()
            raise _store_error(self.db, exc, "open the store") from None
        return copy

    def close(self, now: bool = False) -> None:
        """Delete the copy (one a request still reads: when it is released, or at once if ``now``,
        at shutdown) and close the handle on the store."""
        with self._lock:
            current, self._current = self._current, None
            if current is not None:
                current.retired = True
                gone = now or current.leases <= 0
        if current is not None and gone:
            current.delete()
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None


class SnapshotStore(Store):
    """A read-only :class:`~detente.store.Store` on a leased copy: ``path`` names the store (in
    messages and ``stats()``), ``snapshot`` the copy; closing it releases the lease."""

    def __init__(self, db: str, lease: Lease) -> None:
        self.lease = lease
        try:
            super().__init__(lease.path, read_only=True)
        except StoreError as exc:
            lease.release()
            raise StoreError(exc.code, db, exc.reason) from None
        self.snapshot, self.path = self.path, db

    def close(self) -> None:
        super().close()
        self.lease.release()


def open_store(db: str) -> SnapshotStore:
    """The store at ``db`` for one request: read-only, on this process's latest copy of it."""
    return SnapshotStore(db, snapshot_of(db).lease())


_SNAPSHOTS: dict[str, Snapshot] = {}  # by resolved path, least recently used first
_SNAPSHOTS_LOCK = threading.Lock()
MAX_SNAPSHOTS = 8  # stores one process keeps copies of (a server has one; a test run, many)
_NUMBERS = itertools.count(1)
_FOLDER: list[Any] = []  # [path, fd of its locked .lock] once made


def _folder() -> str:
    """This process's folder of copies (made on the first copy), locked for as long as it lives."""
    import fcntl

    with _SNAPSHOTS_LOCK:
        if not _FOLDER:
            sweep()
            folder = tempfile.mkdtemp(prefix=f"{FOLDER_PREFIX}{os.getpid()}-")
            fd = os.open(os.path.join(folder, ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(fd, fcntl.LOCK_EX)
            _FOLDER[:] = [folder, fd]
        return str(_FOLDER[0])


def close_all() -> None:
    """Delete every copy this process made, and their folder (the application's shutdown; at exit)."""
    with _SNAPSHOTS_LOCK:
        snaps = list(_SNAPSHOTS.values())
        _SNAPSHOTS.clear()
        folder = list(_FOLDER)
        _FOLDER.clear()
    for snap in snaps:
        snap.close(now=True)
    if folder:
        shutil.rmtree(folder[0], ignore_errors=True)
        with contextlib.suppress(OSError):
            os.close(folder[1])


atexit.register(close_all)


def sweep(tmp: str | None = None) -> list[str]:
    """Delete the folders of copies left by servers that died without cleaning up (SIGKILL, a
    crash): those whose ``.lock`` no process holds. Returns the folders deleted."""
    import fcntl

    gone = []
    for folder in Path(tmp or tempfile.gettempdir()).glob(f"{FOLDER_PREFIX}*"):
        try:
            if time.time() - folder.stat().st_mtime < SWEEP_AFTER:
                continue  # perhaps being made this instant (its .lock not taken yet)
            fd = os.open(folder / ".lock", os.O_RDONLY)
        except OSError:  # gone already, or not ours: left alone
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            continue  # its server is alive
        else:
            shutil.rmtree(folder, ignore_errors=True)
            gone.append(str(folder))
        finally:
            os.close(fd)
    return gone


def snapshot_of(db: str) -> Snapshot:
    """This process's :class:`Snapshot` of the store at ``db`` (one per resolved path)."""
    key = os.path.realpath(db)
    evicted = []
    with _SNAPSHOTS_LOCK:
        snap = _SNAPSHOTS.pop(key, None) or Snapshot(db)
        _SNAPSHOTS[key] = snap  # now the most recently used
        while len(_SNAPSHOTS) > MAX_SNAPSHOTS:
            evicted.append(_SNAPSHOTS.pop(next(iter(_SNAPSHOTS))))
    for old in evicted:
        old.close()
    return snap


__all__ = ["Lease", "Snapshot", "SnapshotStore", "close_all", "open_store", "snapshot_of", "sweep"]
