"""Errors with stable codes that become one-line messages at the edge (CLI, API).

Raise ``DetenteError("E101", "path/to/file", "is empty")``; the CLI prints
``error E101: path/to/file: is empty`` and exits non-zero, without a traceback.
"""

from __future__ import annotations


class DetenteError(Exception):
    """A user-facing error: code, the thing it concerns (file, URL, setting) and the reason."""

    def __init__(self, code: str, subject: str, reason: str) -> None:
        super().__init__(f"{code}: {subject}: {reason}")
        self.code = code
        self.subject = subject
        self.reason = reason

    def one_line(self) -> str:
        return f"error {self.code}: {self.subject}: {self.reason}"


class InputError(DetenteError):
    """Bad input: a missing, empty, binary or malformed file, an unreachable URL."""


class StoreError(DetenteError):
    """The store cannot be opened or written (read-only, disk full, locked)."""


class KnowledgeError(DetenteError):
    """A knowledge file (actors, lexicon, codebook) is malformed: names file and line."""


class ConfigError(DetenteError):
    """A setting is missing or invalid."""
