"""Writing the site: into a staging folder, then one swap into place.

A failed build removes its staging folder and leaves the previous site as it
was. The swap exchanges the two folders in one step
(``renameat2(RENAME_EXCHANGE)``), so there is no moment without a site; where
the kernel or the file system cannot, it falls back to two renames, and the
next build puts the old site back if a kill came between them.
"""
from __future__ import annotations

import ctypes
import errno
import glob
import os
import shutil
import tempfile
from pathlib import Path

from digest import faults
from digest.errors import OutputError

MARKER = ".digest-output"
MARKER_TEXT = "This folder is written by `digest build`: its files are replaced or removed on every build.\n"


class Staging:
    """A folder beside the output that becomes the output on :meth:`commit`."""

    def __init__(self, output: Path, *, protect: tuple[Path, ...] = ()) -> None:
        self.output = output
        _check_output(output, protect)
        output.parent.mkdir(parents=True, exist_ok=True)
        self.path = Path(tempfile.mkdtemp(prefix=scratch_prefix(output, "staging"), dir=output.parent))

    def commit(self) -> None:
        (self.path / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
        faults.point("swap")
        if not self.output.exists():
            os.rename(self.path, self.output)
            faults.point("swapped")
            return
        if exchange(self.path, self.output):
            faults.point("swapped")
            shutil.rmtree(self.path, ignore_errors=True)  # the old site, now
            return
        old = None
        if self.output.exists():
            old = Path(tempfile.mkdtemp(prefix=scratch_prefix(self.output, "old"), dir=self.output.parent))
            os.rename(self.output, old / "site")
            faults.point("swapped")
        try:
            os.rename(self.path, self.output)
        except OSError:
            if old is not None:
                os.rename(old / "site", self.output)
            raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)

    def discard(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)

    def __enter__(self) -> "Staging":
        return self

    def __exit__(self, kind, exc, tb) -> None:
        if kind is not None:
            self.discard()


def scratch_prefix(output: Path, kind: str) -> str:
    """The name start of a temporary folder a build makes beside ``output``: staging, old, partials."""
    return f".digest-{kind}-{output.name}-"


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
_renameat2 = None


def exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step; False where the kernel or the file system cannot."""
    global _renameat2
    if _renameat2 is None:
        try:
            _renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
        except (OSError, AttributeError):  # not Linux, or a C library without it
            _renameat2 = False
    if _renameat2 is False:
        return False
    if _renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def clear_debris(output: Path, search_prefix: str) -> None:
    """Remove what killed builds left beside and in the output (call it under the site's lock).

    If a fallback swap was cut between its two renames, the old site is put back first.
    """
    parent = output.parent
    if not parent.is_dir():
        return
    if not output.exists():
        for old in sorted(parent.glob(glob.escape(scratch_prefix(output, "old")) + "*")):
            if (old / "site" / MARKER).is_file():
                os.rename(old / "site", output)
                break
    for kind in ("staging", "old", "partials"):
        for path in parent.glob(glob.escape(scratch_prefix(output, kind)) + "*"):
            shutil.rmtree(path, ignore_errors=True)
    if (output / MARKER).is_file():
        for path in output.glob(glob.escape(search_prefix) + "*"):
            shutil.rmtree(path, ignore_errors=True)


def marker_stamp(folder: Path) -> tuple[int, int, int] | None:
    """Identifies one output folder as written: its marker file's device, inode and time."""
    try:
        st = (folder / MARKER).stat()
    except OSError:
        return None
    return (st.st_dev, st.st_ino, st.st_mtime_ns)


def _check_output(output: Path, protect: tuple[Path, ...]) -> None:
    for keep in protect:
        if output == keep or keep.is_relative_to(output):
            raise OutputError(f"the output folder {output} would replace {keep}; choose another --output")
    if output.exists():
        if not output.is_dir():
            raise OutputError(f"the output path {output} is a file, not a folder")
        if any(output.iterdir()) and not (output / MARKER).is_file():
            raise OutputError(
                f"the output folder {output} is not empty and was not written by digest; "
                "refusing to replace it (empty it or choose another --output)"
            )
