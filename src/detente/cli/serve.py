"""``detente serve``: run the HTTP API (:func:`detente.api.create_app`) with uvicorn.

Bound to a loopback address (the default), the API answers only the Host names localhost,
127.0.0.1 and [::1] (setting ``allowed_hosts``), against DNS rebinding. The API reads the store
read-only, one connection per request, so ``detente ingest`` can
keep writing to it between requests. The coder is loaded on the first ``POST /code`` (once
per worker process). Read-only unless ``--allow-writes``, and then every write (``POST /reviews``)
must carry the token (``--token`` or ``$DETENTE_TOKEN``); CORS is off unless ``--cors ORIGIN``
(:mod:`detente.web.review`).
"""

from __future__ import annotations

import os
from typing import Annotated

import typer

from ..api_limits import hosts_for_bind
from ..errors import DetenteError
from .app import app


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Interface to listen on (0.0.0.0: all).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")] = 8000,
    db: Annotated[str | None, typer.Option("--db", help="DuckDB store file.",
                                           show_default="$DETENTE_DB or ./detente.duckdb")] = None,
    workers: Annotated[int, typer.Option("--workers", min=1, help="Worker processes (each loads its own "
                                                                  "coder on first use).")] = 1,
    log_level: Annotated[str, typer.Option("--log-level", help="uvicorn log level.")] = "info",
    allow_writes: Annotated[bool, typer.Option("--allow-writes", help="Accept writes (POST /reviews), each with "
                                                                      "the token.")] = False,
    token: Annotated[str | None, typer.Option("--token", help="The token writes must send (Authorization: Bearer "
                                                              "TOKEN).", show_default="$DETENTE_TOKEN")] = None,
    cors: Annotated[str | None, typer.Option("--cors", help="Let pages from this origin call the API "
                                                            "(https://example.org); off by default.",
                                             show_default=False)] = None,
) -> None:
    """Serve the HTTP API: POST /code, GET /events, /stats, /dyad/A/B, /changes/A/B, /health (docs at /docs)."""
    try:
        import uvicorn
    except ImportError:
        raise DetenteError("E710", "serve", "the HTTP API needs fastapi and uvicorn: "
                                            "pip install 'detente[api]'") from None
    if db is not None:
        os.environ["DETENTE_DB"] = db  # read by create_app() in every worker, via load_config()
    from ..config import load_config

    if not load_config().allowed_hosts and hosts_for_bind(host):  # DNS rebinding: loopback answers loopback names
        os.environ["DETENTE_ALLOWED_HOSTS"] = hosts_for_bind(host)
    load_config()  # a bad setting fails here, as one line, not in each worker
    from ..web.review import serve_environment

    os.environ.update(serve_environment(allow_writes, token, cors))  # read by every worker (detente.web.review)
    typer.echo(f"detente on http://{host}:{port} (pages at /, API docs at /docs), "
               f"store {load_config().db}, {'writes allowed with the token' if allow_writes else 'read-only'}"
               + (f", CORS for {cors}" if cors else ""), err=True)
    uvicorn.run("detente.api:create_app", factory=True, host=host, port=port, workers=workers,
                log_level=log_level)
