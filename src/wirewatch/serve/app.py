"""The desk's FastAPI application: one store, read-only unless a write token is given.

Interactive API docs (Swagger UI) are off: they load scripts from a CDN, which the desk's
offline, no-third-party-script policy forbids; the OpenAPI spec itself is served at
``/api/openapi.json``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from wirewatch.serve import api_routes, ingest_route, map_routes, page_routes, review_routes
from wirewatch.serve.digest import DigestCache
from wirewatch.serve.export_route import export_router
from wirewatch.serve.extraction import Extractor
from wirewatch.serve.params import plain_errors
from wirewatch.serve.security import DEFAULT_MAX_BODY_BYTES, BodyLimit, SecurityHeaders
from wirewatch.serve.templating import build_environment
from wirewatch.store import Store, open_store

STATIC = Path(__file__).with_name("static")
#: Paths answered with JSON errors; everything else gets an HTML error page.
JSON_PREFIXES = ("/api", "/export")


def create_app(db: str | Store, write_token: str | None = None,
               max_body_bytes: int = DEFAULT_MAX_BODY_BYTES) -> FastAPI:
    """The desk over ``db`` (a SQLite path, a database URL, or an open ``Store``, which the
    app then does not close). ``write_token`` enables ``POST /api/documents``; no request
    body over ``max_body_bytes`` is read."""
    store = db if isinstance(db, Store) else open_store(db)
    extractor = Extractor()
    owned = not isinstance(db, Store)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        extractor.close()
        if owned:
            store.close()

    app = FastAPI(title="wirewatch desk", version="1", lifespan=lifespan,
                  description="Incidents, events, documents, actors, quotes and claims "
                              "extracted from news reports, with the evidence behind each.",
                  openapi_url="/api/openapi.json", docs_url=None, redoc_url=None)
    app.state.store = store
    app.state.write_token = write_token or None
    app.state.templates = build_environment()
    app.state.digests = DigestCache()
    app.state.max_body_bytes = max_body_bytes
    app.state.extractor = extractor
    app.add_middleware(BodyLimit, max_bytes=max_body_bytes)
    app.add_middleware(SecurityHeaders)  # the outermost: every response carries the headers
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    app.include_router(api_routes.router)
    app.include_router(ingest_route.router)
    app.include_router(review_routes.api)
    app.include_router(review_routes.router)
    app.include_router(export_router())
    app.include_router(map_routes.router)
    app.include_router(page_routes.router)

    def wants_json(request: Request) -> bool:
        return request.url.path.startswith(JSON_PREFIXES)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if wants_json(request):
            return JSONResponse({"detail": exc.detail}, exc.status_code,
                                headers=getattr(exc, "headers", None))
        return error_page(request, exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        if wants_json(request):
            return JSONResponse({"detail": _plain(exc.errors()),
                                 "message": plain_errors(exc.errors())}, 422)
        return error_page(request, 422, plain_errors(exc.errors()))

    return app


def _plain(errors: object) -> object:
    """Validation errors without the offending input echoed back as arbitrary objects."""
    if not isinstance(errors, list | tuple):
        return errors
    return [{"loc": list(e.get("loc", ())), "msg": str(e.get("msg")), "type": e.get("type")}
            for e in errors if isinstance(e, dict)]


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    template = request.app.state.templates.get_template("error.html")
    return HTMLResponse(template.render(status=status, message=message,
                                        request_path=request.url.path), status_code=status)
