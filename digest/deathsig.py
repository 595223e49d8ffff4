"""Child processes that die with the build that started them.

A killed build (``kill -9``, the out-of-memory killer) must not leave processes
writing on into folders the next build clears, or holding the site's lock.
Linux's ``PR_SET_PDEATHSIG`` has the kernel send SIGKILL to a child when its
parent dies; the pool's workers (digest/parallel.py) and Pagefind
(digest/search.py) ask for it as they start.
"""
from __future__ import annotations

import ctypes
import os
import signal
from collections.abc import Callable

_PR_SET_PDEATHSIG = 1

try:
    _prctl = ctypes.CDLL(None, use_errno=True).prctl
except (OSError, AttributeError):  # pragma: no cover - not Linux
    _prctl = None


def die_with(parent: int) -> None:
    """Make this (child) process get SIGKILL when ``parent`` dies; exit at once
    if it already has. (The signal comes when the thread that started the child
    ends: the callers wait for their children in that thread.)"""
    if _prctl is not None:
        _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # it died before the line above
        os._exit(1)


def before_exec(parent: int) -> Callable[[], None] | None:
    """A ``preexec_fn`` for :mod:`subprocess` that calls :func:`die_with`, or
    None where the kernel cannot do it."""
    if _prctl is None:  # pragma: no cover - not Linux
        return None
    return lambda: die_with(parent)
