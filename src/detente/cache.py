"""The on-disk cache for compiled indexes (actor knowledge base, gazetteer).

One folder: ``$DETENTE_CACHE``, else ``$XDG_CACHE_HOME/detente``, else ``~/.cache/detente``.
Entries are pickles named by a fingerprint of what they were built from, written atomically
(a temporary file, then a rename), so concurrent workers never read half a file. A cache that
cannot be read or written is not an error: the index is built again.
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import Any


def cache_dir() -> Path:
    base = os.environ.get("DETENTE_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "detente")
    return Path(base)


def load_pickle(path: Path) -> Any | None:
    """The cached object, or None when it is missing, stale or broken."""
    try:
        with open(path, "rb") as fh:
            return pickle.load(fh)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError, ValueError):
        return None


def save_pickle(path: Path, obj: Any, keep: int = 16) -> None:
    """Write atomically; keep the ``keep`` newest entries with the same suffix; ignore a read-only home."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with open(tmp, "wb") as fh:
            pickle.dump(obj, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        old = sorted(path.parent.glob(f"*{path.suffix}"), key=lambda f: f.stat().st_mtime, reverse=True)[keep:]
        for f in old:
            f.unlink(missing_ok=True)
    except OSError:
        pass
