"""Review from the desk: sign in and out, the incident page's correction forms, and the same
actions in the REST API (``/api/incidents/{id}/review``, ``/api/events/{id}/review``,
``/api/reviews``). Every action goes through the store's review log (``store.reviews``), so
a correction made here is the one ``wirewatch review log`` lists and every export carries.

Writes are serialised with the ingest endpoint's lock: the store's merge index, which a
review resets, is not shared between threads.
"""

from __future__ import annotations

import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Body, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from wirewatch.serve import ingest_route
from wirewatch.serve.auth import (
    LOGIN_COOKIE,
    SESSION_COOKIE,
    local_path,
    read_form,
    require_form,
    require_token,
    session_viewer,
    set_cookie,
)
from wirewatch.serve.page_routes import incident_response
from wirewatch.serve.params import MAX_ID
from wirewatch.store import Store
from wirewatch.store.accounts import login, logout
from wirewatch.store.reviews import INCIDENT_FIELDS, ReviewError

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api", tags=["review"])

PathId = Annotated[int, Path(ge=1, le=MAX_ID)]


def _store(request: Request) -> Store:
    return request.app.state.store


def _render(request: Request, template: str, status_code: int = 200, **context: Any
            ) -> HTMLResponse:
    env = request.app.state.templates
    html = env.get_template(template).render(request_path=request.url.path,
                                             viewer=session_viewer(request), **context)
    return HTMLResponse(html, status_code=status_code)


# -- signing in ------------------------------------------------------------------------------


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: Annotated[str | None, Query(max_length=500)] = None
               ) -> HTMLResponse:
    return login_page(request, next)


def login_page(request: Request, next: str | None, error: str | None = None,
               status_code: int = 200) -> HTMLResponse:
    """The sign-in form with a fresh double-submit token (cookie and hidden field)."""
    token = secrets.token_urlsafe(24)
    response = _render(request, "login.html", status_code, login_token=token,
                       next=local_path(next), error=error)
    set_cookie(request, response, LOGIN_COOKIE, token, hours=1)
    return response


@router.post("/login")
async def login_submit(request: Request) -> Response:
    form = await read_form(request)
    cookie = request.cookies.get(LOGIN_COOKIE, "")
    given = form.get("login_token", "")
    if not cookie or not secrets.compare_digest(given.encode(), cookie.encode()):
        return login_page(request, form.get("next"), "The form expired: please try again.", 403)
    with ingest_route._lock, _store(request).writing() as conn:
        session = login(conn, form.get("name", "")[:64], form.get("password", "")[:1000])
    if session is None:
        return login_page(request, form.get("next"), "Wrong name or password.", 401)
    response = RedirectResponse(local_path(form.get("next")), status_code=303)
    set_cookie(request, response, SESSION_COOKIE, session[0])
    response.delete_cookie(LOGIN_COOKIE, path="/")
    return response


@router.post("/logout")
async def logout_submit(request: Request) -> Response:
    form = await read_form(request)
    require_form(request, form, "reader")
    with ingest_route._lock, _store(request).writing() as conn:
        logout(conn, request.cookies.get(SESSION_COOKIE, ""))
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# -- the incident page's forms ---------------------------------------------------------------


def _ids(text: str) -> list[int]:
    try:
        values = [int(part) for part in text.replace(",", " ").split()]
    except ValueError:
        raise ReviewError("event ids are whole numbers") from None
    if any(not 1 <= v <= MAX_ID for v in values):
        raise ReviewError("no such event")
    return values


def _act(store: Store, incident_id: int, form: dict[str, str], reviewer: str) -> int:
    """Do what the form asks; returns the incident to show next."""
    action = form.get("action", "")
    note = form.get("note") or None
    if action == "set":
        from wirewatch.store.reviews import incident_values

        with store.engine.connect() as conn:
            current = incident_values(conn, incident_id)
        if current is None:
            raise HTTPException(404, "no such incident")
        changes = [(name, form[name]) for name in INCIDENT_FIELDS if name in form
                   and form[name].strip() != _shown(current.get(name))]
        store.review_set("incident", incident_id, changes, reviewer, note, geocode=True)
        return incident_id
    if action == "reject":
        store.review_reject("incident", incident_id, reviewer, note)
        return incident_id
    if action == "reject-event":
        store.review_reject("event", _ids(form.get("event", ""))[0], reviewer, note)
        return incident_id
    if action == "merge":
        other = _ids(form.get("other", ""))
        if len(other) != 1:
            raise ReviewError("merge: give the id of one other incident")
        store.review_merge(incident_id, other[0], reviewer, note)
        return min(incident_id, other[0])
    if action == "split":
        store.review_split(incident_id, _ids(form.get("events", "")), reviewer, note)
        return incident_id
    raise ReviewError(f"unknown action {action[:40]!r}")


def _shown(value: Any) -> str:
    """A current value as the form shows it (so an untouched field is no change)."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(map(str, value))
    return str(value)


@router.post("/incidents/{incident_id}/review")
async def review_form(request: Request, incident_id: PathId) -> Response:
    form = await read_form(request)
    viewer = require_form(request, form, "reviewer")
    store = _store(request)
    try:
        with ingest_route._lock:
            shown = _act(store, incident_id, form, viewer.user.name)
    except ReviewError as err:
        return incident_response(request, incident_id, review_error=str(err), status_code=422)
    if _exists(store, shown):
        return RedirectResponse(f"/incidents/{shown}#review", status_code=303)
    return RedirectResponse("/", status_code=303)  # rejected: it left the incidents


def _exists(store: Store, incident_id: int) -> bool:
    import sqlalchemy as sa

    from wirewatch.store.schema import incidents

    with store.engine.connect() as conn:
        return conn.execute(sa.select(incidents.c.id).where(incidents.c.id == incident_id)
                            ).first() is not None


# -- the API ---------------------------------------------------------------------------------


class ReviewRequest(BaseModel):
    """One review action. ``set``: field -> typed value ("" clears; agents/victims as
    "name; name"); ``reject``: not an event; ``merge``: the other incident's id; ``split``:
    event ids (``/api/incidents/{id}``) that are another incident."""

    set: dict[str, str | int | float | None] | None = Field(None, max_length=len(INCIDENT_FIELDS))
    reject: bool = False
    merge: int | None = Field(None, ge=1, le=MAX_ID)
    split: list[int] | None = Field(None, max_length=1000)
    note: str | None = Field(None, max_length=2000)
    geocode: bool = False


def _api_act(store: Store, target: str, target_id: int, body: ReviewRequest,
             reviewer: str) -> list[int]:
    chosen = [body.set is not None, body.reject, body.merge is not None, body.split is not None]
    if sum(chosen) != 1:
        raise HTTPException(422, "give exactly one of set, reject, merge, split")
    if target == "event" and (body.merge is not None or body.split is not None):
        raise HTTPException(422, "merge and split are for incidents")
    try:
        with ingest_route._lock:
            if body.set is not None:
                changes = [(k, None if v is None else str(v)) for k, v in body.set.items()]
                return store.review_set(target, target_id, changes, reviewer, body.note,
                                        geocode=body.geocode)
            if body.reject:
                return store.review_reject(target, target_id, reviewer, body.note)
            if body.merge is not None:
                return store.review_merge(target_id, body.merge, reviewer, body.note)
            return store.review_split(target_id, body.split or [], reviewer, body.note)
    except ReviewError as err:
        raise HTTPException(422, str(err)) from None


@api.post("/incidents/{incident_id}/review", summary="Correct, reject, merge or split an "
          "incident (reviewer token)")
def api_review_incident(request: Request, incident_id: PathId,
                        body: Annotated[ReviewRequest, Body()]) -> dict[str, Any]:
    viewer = require_token(request, "reviewer")
    made = _api_act(_store(request), "incident", incident_id, body, viewer.user.name)
    return {"reviews": made}


@api.post("/events/{event_id}/review", summary="Correct or reject one event (reviewer token)")
def api_review_event(request: Request, event_id: PathId,
                     body: Annotated[ReviewRequest, Body()]) -> dict[str, Any]:
    viewer = require_token(request, "reviewer")
    made = _api_act(_store(request), "event", event_id, body, viewer.user.name)
    return {"reviews": made}


@api.get("/reviews", summary="The review log, oldest first")
def api_reviews(request: Request, incident: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None
                ) -> dict[str, Any]:
    items = _store(request).review_log(incident)
    return {"total": len(items), "items": items}
