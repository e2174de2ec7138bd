"""The desk's HTML pages: incidents, one incident, documents, one document, actors, one
actor, the map and the timeline. Server-rendered; every value goes through autoescaping."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from wirewatch.contract import CASUALTY_KINDS, STATUS_ORDER
from wirewatch.serve.actors import CATEGORIES, CATEGORY_COLOURS, actor_detail, actor_list
from wirewatch.serve.auth import session_viewer
from wirewatch.serve.basemap import basemap_svg
from wirewatch.serve.charts import (
    BACKGROUND_DAYS,
    stacked_bars,
    timeline,
)
from wirewatch.serve.documents import document_detail, document_list
from wirewatch.serve.filters import ROLES, Filters
from wirewatch.serve.glossary import acled_rows
from wirewatch.serve.incident_detail import incident_detail
from wirewatch.serve.incident_list import incident_page, select_incidents, text_matches
from wirewatch.serve.params import (
    MAX_ID,
    DatePrefix,
    Limit,
    Offset,
    Text,
    check_date,
    incident_filters,
)
from wirewatch.serve.review_view import review_context
from wirewatch.store import Store

router = APIRouter(include_in_schema=False)

PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
FiltersDep = Annotated[Filters, Depends(incident_filters)]


def render(request: Request, template: str, status_code: int = 200, **context: Any
           ) -> HTMLResponse:
    env = request.app.state.templates
    html = env.get_template(template).render(request_path=request.url.path,
                                             viewer=session_viewer(request), **context)
    return HTMLResponse(html, status_code=status_code)


def _store(request: Request) -> Store:
    return request.app.state.store


def _not_found(what: str) -> HTTPException:
    return HTTPException(404, f"no such {what}")


def _filter_context(f: Filters) -> dict[str, Any]:
    return {"filters": f, "params": f.as_params(), "statuses": STATUS_ORDER, "roles": ROLES}


@router.get("/", response_class=HTMLResponse)
def incidents_page(request: Request, f: FiltersDep, offset: Offset = 0,
                   limit: Limit = 50) -> HTMLResponse:
    page = incident_page(_store(request), f, offset, limit, with_facets=True,
                         cache=request.app.state.digests)
    return render(request, "incidents.html", page=page, kinds=CASUALTY_KINDS,
                  **_filter_context(f))


@router.get("/incidents/{incident_id}", response_class=HTMLResponse)
def incident_view(request: Request, incident_id: PathId) -> HTMLResponse:
    return incident_response(request, incident_id)


def incident_response(request: Request, incident_id: int, review_error: str | None = None,
                      status_code: int = 200) -> HTMLResponse:
    """The incident page; a signed-in reviewer also gets the review forms."""
    detail = incident_detail(_store(request), incident_id)
    if detail is None:
        raise _not_found("incident")
    return render(request, "incident.html", status_code, incident=detail, kinds=CASUALTY_KINDS,
                  review=review_context(request, incident_id, review_error))


@router.get("/documents", response_class=HTMLResponse)
def documents_page(request: Request, q: Text = None, outlet: Text = None,
                   since: DatePrefix = None, until: DatePrefix = None, offset: Offset = 0,
                   limit: Limit = 50) -> HTMLResponse:
    since, until = check_date("since", since), check_date("until", until)
    found = document_list(_store(request), q or None, outlet or None, since or None,
                          until or None, offset, limit)
    params = {k: v for k, v in {"q": q, "outlet": outlet, "since": since,
                                "until": until}.items() if v}
    return render(request, "documents.html", found=found, params=params)


@router.get("/documents/{document_id}", response_class=HTMLResponse)
def document_view(request: Request, document_id: PathId) -> HTMLResponse:
    detail = document_detail(_store(request), document_id)
    if detail is None:
        raise _not_found("document")
    return render(request, "document.html", doc=detail)


@router.get("/actors", response_class=HTMLResponse)
def actors_page(request: Request, q: Text = None,
                type: Annotated[str | None, Query(pattern=r"^[A-Za-z_]{0,20}$")] = None,
                offset: Offset = 0, limit: Limit = 50) -> HTMLResponse:
    found = actor_list(_store(request), q or None, type or None, None, offset, limit)
    params = {k: v for k, v in {"q": q, "type": type}.items() if v}
    return render(request, "actors.html", found=found, params=params)


@router.get("/actors/{actor_id}", response_class=HTMLResponse)
def actor_view(request: Request, actor_id: PathId) -> HTMLResponse:
    detail = actor_detail(_store(request), actor_id)
    if detail is None:
        raise _not_found("actor")
    chart = stacked_bars([(m["month"], m) for m in detail["timeline"]], list(CATEGORIES),
                         CATEGORY_COLOURS.__getitem__, unit="month")
    return render(request, "actor.html", actor=detail, categories=CATEGORIES, chart=chart)


@router.get("/help", response_class=HTMLResponse)
def help_page(request: Request) -> HTMLResponse:
    return render(request, "help.html", acled=acled_rows())


@router.get("/favicon.ico")
def favicon() -> Response:
    """No icon: an empty answer rather than a 404 in every browser console."""
    return Response(status_code=204)


@router.get("/map/basemap.svg")
def basemap() -> Response:
    return Response(basemap_svg(), media_type="image/svg+xml",
                    headers={"cache-control": "public, max-age=86400"})


@router.get("/timeline", response_class=HTMLResponse)
def timeline_page(request: Request, f: FiltersDep,
                  bucket: Annotated[str, Query(pattern=r"^(day|week)$")] = "week",
                  background: Annotated[bool, Query(description="Also draw incidents dated "
                                                    "long before their report.")] = False
                  ) -> HTMLResponse:
    store = _store(request)
    with store.engine.connect() as conn:
        selection = select_incidents(conn, f, text_matches(store, f),
                                     request.app.state.digests.get(conn))
        chart = timeline(conn, selection, bucket, background)
    return render(request, "timeline.html", chart=chart, requested=bucket,
                  background=background, background_days=BACKGROUND_DAYS,
                  **_filter_context(f))
