"""One error hierarchy: every failure a user can hit is a DigestError.

The CLI turns any DigestError into one line, ``path:line: field: message``, and
exits with status 1. That line stays one line and stays short whatever the
input: a file name that needs it is quoted (:func:`quote_path`), a value quoted
in a message is cut (:func:`cut_repr`), and the message's own line breaks are
written as ``\\n``.
"""
from __future__ import annotations

import reprlib
from pathlib import Path

_SHOWN = reprlib.Repr()
_SHOWN.maxlevel = 2
_SHOWN.maxstring = _SHOWN.maxother = 60
_SHOWN.maxlist = _SHOWN.maxtuple = _SHOWN.maxdict = _SHOWN.maxset = 4
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t", '"': '\\"', "\\": "\\\\"}


def cut_repr(value) -> str:
    """``repr(value)``, cut short: a message quotes at most about 60 characters of
    a value, however long or deeply nested (or alias-expanded) the value is."""
    return _SHOWN.repr(value)


def quote_path(path: str) -> str:
    """A file name as it can be printed on one line.

    A name of printable characters is shown as it is. Any other is put in double
    quotes with backslash escapes: ``\\n``, ``\\t``, ``\\"``, a byte that is not
    UTF-8 as ``\\xff``, another unprintable character as ``\\u202e``.
    """
    if path.isprintable() and '"' not in path:
        return path
    out = []
    for ch in path:
        code = ord(ch)
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
            out.append(f"\\x{code - 0xDC00:02x}")
        elif ch.isprintable():
            out.append(ch)
        elif code <= 0xFF:
            out.append(f"\\x{code:02x}")
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    return '"' + "".join(out) + '"'


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
            where = quote_path(self.path)
            if self.line is not None:
                where += f":{self.line}"
            where += ": "
        field = f"{self.field}: " if self.field else ""
        return f"{where}{field}{self.message}".replace("\r", "\\r").replace("\n", "\\n")


def _rebuild(kind, message, path, line, field):
    return kind(message, path=path, line=line, field=field)


class ConfigError(DigestError):
    """digest.toml is unreadable or holds a bad value."""


class ContentError(DigestError):
    """An entry under content/ cannot be read."""


class ContentWarning(ContentError):
    """A file under content/ named like an entry that is left out, not read (a
    named pipe, a socket, a device): said as a warning, never raised."""


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


class WorkerError(DigestError):
    """A worker process of the build died (killed, or out of memory)."""
