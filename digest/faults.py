"""Named points of a build where a test may kill it, as ``kill -9`` would.

``DIGEST_FAULT_KILL_AT=<point>:<n>`` makes the build kill itself with
SIGKILL the ``n``-th time it passes ``point`` (counted in each process; a
worker process kills its parent first, then itself). With
``<point>:<n>:worker`` only a worker process that gets there kills itself,
as the out-of-memory killer might, and the build goes on without it. Without the variable
:func:`point` does nothing but one comparison. The test suite and
``benchmarks/faults.py`` kill builds at every point in :data:`POINTS` and
check that the next build writes exactly what a clean build writes.
"""
from __future__ import annotations

import os
import signal

# In the order a build passes them.
POINTS = (
    "entries-saved",      # the entry cache is saved, before anything is rendered
    "pack-written",       # a pack of bodies is written, before the index that names it
    "index-written",      # the entry index is replaced, before old packs and segments are removed
    "staged",             # a file is rendered into the staging folder
    "swap",               # a full build: the staging folder is complete, before the swap
    "swapped",            # a full build: swapped, before the old site is removed
    "journal-written",    # an incremental build: the journal names what will change
    "replaced",           # an incremental build: one file is moved into the output
    "removed",            # an incremental build: one file no longer in the site is removed
    "written",            # every file is in place, before the manifest is saved
    "manifest-saved",     # the manifest is saved, before the journal is removed
)

_WANTED = os.environ.get("DIGEST_FAULT_KILL_AT", "")
_NAME, _, _REST = _WANTED.partition(":")
_COUNT, _, _WHO = _REST.partition(":")
_AT = int(_COUNT) if _COUNT.isdigit() else 1
_WORKER_ONLY = _WHO == "worker"
_SEEN: dict[str, int] = {}
_OWNER = os.getpid()  # the process that imported this module: the build's main process


def point(name: str) -> None:
    """Kill this build here, if asked to (see the module's text)."""
    if name != _NAME:
        return
    worker = os.getpid() != _OWNER
    if _WORKER_ONLY and not worker:
        return
    seen = _SEEN[name] = _SEEN.get(name, 0) + 1
    if seen == _AT:
        if worker and not _WORKER_ONLY:  # the build is its parent
            os.kill(os.getppid(), signal.SIGKILL)
        os.kill(os.getpid(), signal.SIGKILL)
