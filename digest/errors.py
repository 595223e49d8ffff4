"""One error hierarchy: every failure a user can hit is a DigestError.

The CLI turns any DigestError into one line, ``path:line: field: message``, and
exits with status 1.
"""
from __future__ import annotations

from pathlib import Path


class DigestError(Exception):
    """A failure a user can act on; carries where it happened."""

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.field = field

    def __reduce__(self):
        # Keep path, line and field when an error crosses a process boundary.
        return (_rebuild, (type(self), self.message, self.path, self.line, self.field))

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = self.path
            if self.line is not None:
                where += f":{self.line}"
            where += ": "
        field = f"{self.field}: " if self.field else ""
        return f"{where}{field}{self.message}"


def _rebuild(kind, message, path, line, field):
    return kind(message, path=path, line=line, field=field)


class ConfigError(DigestError):
    """digest.toml is unreadable or holds a bad value."""


class ContentError(DigestError):
    """An entry under content/ cannot be read."""


class DuplicateURLError(DigestError):
    """Two entries (or pages) would be written to the same URL."""


class TemplateError(DigestError):
    """A template is missing or broken."""


class OutputError(DigestError):
    """The output folder cannot be written."""


class IngestError(DigestError):
    """A scraped page cannot be read or parsed."""


class LockError(DigestError):
    """Another digest process holds the site's lock (and ``--no-wait`` was given)."""


class CacheError(DigestError):
    """The build cache is damaged: the build drops it and reads every entry again."""
