"""One digest process at a time on a site: an OS file lock in the cache folder.

``digest build``, ``digest ingest`` and ``digest serve`` (while it rebuilds)
hold an exclusive ``flock`` on ``.digest-cache/lock``. A second process waits
for it, saying so once (``waiting for another digest process on this site
(pid N)…``), or with ``--no-wait`` stops at once with an error. The kernel
lets go of the lock when its holder exits, however it exits (``kill -9``
too), so a crashed process never leaves the site locked.

Within one process the lock is shared: the threads of ``digest serve`` (the
rebuild and the search index) may hold it at the same time, and only the
first one takes the file lock. The lock file is never removed or replaced (a
process waiting on it would otherwise lock a file nobody else sees).
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from digest.errors import LockError

LOCK_NAME = "lock"

Say = Callable[[str], None]


def to_stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def waiting_message(pid: int | None) -> str:
    return f"waiting for another digest process on this site (pid {pid if pid else '?'})…"


class SiteLock:
    """The lock of one site's cache folder; use :meth:`hold`."""

    def __init__(self, cache_dir: Path) -> None:
        self.path = Path(cache_dir) / LOCK_NAME
        self._mutex = threading.Lock()
        self._holders = 0
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._holders > 0

    @contextlib.contextmanager
    def hold(self, *, wait: bool = True, say: Say | None = None) -> Iterator[None]:
        """Hold the lock for the ``with`` block; wait for another process, or raise LockError."""
        with self._mutex:
            if self._holders == 0:
                self._fd = _take(self.path, wait, say or to_stderr)
            self._holders += 1
        try:
            yield
        finally:
            with self._mutex:
                self._holders -= 1
                if self._holders == 0 and self._fd is not None:
                    fd, self._fd = self._fd, None
                    fcntl.flock(fd, fcntl.LOCK_UN)
                    os.close(fd)


def _take(path: Path, wait: bool, say: Say) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pid = _holder(fd)
            if not wait:
                raise LockError(
                    f"another digest process on this site (pid {pid or '?'}) holds the lock; not waiting (--no-wait)",
                    path=path,
                ) from None
            say(waiting_message(pid))
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _holder(fd: int) -> int | None:
    """The pid the holder wrote (it writes it a moment after it took the lock)."""
    for _ in range(20):
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
        if text.isdigit():
            return int(text)
        time.sleep(0.01)
    return None


_LOCKS: dict[str, SiteLock] = {}
_LOCKS_MUTEX = threading.Lock()


def site_lock(cache_dir: Path) -> SiteLock:
    """The one :class:`SiteLock` of this process for a cache folder."""
    key = os.path.realpath(cache_dir)
    with _LOCKS_MUTEX:
        lock = _LOCKS.get(key)
        if lock is None:
            lock = _LOCKS[key] = SiteLock(Path(cache_dir))
        return lock
