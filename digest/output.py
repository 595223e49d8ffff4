"""Writing the site: into a staging folder, then one swap into place.

A failed build removes its staging folder and leaves the previous site as it
was. A path written twice is an error (two pages would silently become one).
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from digest.errors import DuplicateURLError, OutputError

MARKER = ".digest-output"
MARKER_TEXT = "This folder is written by `digest build` and replaced whole on every build.\n"


class Staging:
    """A folder beside the output that becomes the output on :meth:`commit`."""

    def __init__(self, output: Path, *, protect: tuple[Path, ...] = ()) -> None:
        self.output = output
        _check_output(output, protect)
        output.parent.mkdir(parents=True, exist_ok=True)
        self.path = Path(tempfile.mkdtemp(prefix=f".digest-staging-{output.name}-", dir=output.parent))
        self.written: set[str] = set()
        self.count = 0
        self._dirs: set[Path] = {self.path}

    def write(self, rel: str, data: bytes) -> None:
        if rel in self.written:
            raise DuplicateURLError(f"two pages would be written to /{rel}; one would be lost")
        target = self.path / rel
        if not _inside(target, self.path):
            raise OutputError(f"refusing to write outside the output folder: {rel!r}")
        self.written.add(rel)
        folder = target.parent
        if folder not in self._dirs:
            folder.mkdir(parents=True, exist_ok=True)
            self._dirs.add(folder)
        target.write_bytes(data)
        self.count += 1

    def copy_tree(self, source: Path, rel: str) -> int:
        """Copy a folder of static files (later copies win over earlier ones)."""
        if not source.is_dir():
            return 0
        n = 0
        for path in sorted(source.rglob("*")):
            if path.is_dir() or any(p.startswith(".") for p in path.relative_to(source).parts):
                continue
            target = self.path / rel / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
            n += 1
        return n

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


def _inside(path: Path, folder: Path) -> bool:
    return os.path.normpath(path).startswith(os.path.normpath(folder) + os.sep)


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
