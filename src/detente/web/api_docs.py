"""``GET /docs``: Swagger UI over ``/openapi.json``, its script and stylesheet served from this
package (``static/vendor/swagger-ui/``: swagger-ui-dist 5.36.0, Apache-2.0, see the README there),
so the HTTP API's documentation works offline. ``detente.api.create_app`` turns FastAPI's own
``/docs`` (and ``/redoc``), which load from a CDN, off.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

VENDOR = "/static/vendor/swagger-ui"
router = APIRouter()


@router.get("/docs", include_in_schema=False)
def swagger_ui(request: Request) -> HTMLResponse:
    return get_swagger_ui_html(openapi_url=request.app.openapi_url or "/openapi.json",
                               title=f"{request.app.title} · HTTP API", swagger_js_url=f"{VENDOR}/swagger-ui-bundle.js",
                               swagger_css_url=f"{VENDOR}/swagger-ui.css", swagger_favicon_url="data:,")


__all__ = ["router"]
