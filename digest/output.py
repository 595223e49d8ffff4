"""Writing the site: into a staging folder, then one swap into place.

A failed build removes its staging folder and leaves the previous site as it
was.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from digest.errors import OutputError

MARKER = ".digest-output"
MARKER_TEXT = "This folder is written by `digest build`: its files are replaced or removed on every build.\n"


class Staging:
    """A folder beside the output that becomes the output on :meth:`commit`."""

    def __init__(self, output: Path, *, protect: tuple[Path, ...] = ()) -> None:
        self.output = output
        _check_output(output, protect)
        output.parent.mkdir(parents=True, exist_ok=True)
        self.path = Path(tempfile.mkdtemp(prefix=f".digest-staging-{output.name}-", dir=output.parent))

    def commit(self) -> None:
        (self.path / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
        old = None
        if self.output.exists():
            old = Path(tempfile.mkdtemp(prefix=f".digest-old-{self.output.name}-", dir=self.output.parent))
            os.rename(self.output, old / "site")
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
