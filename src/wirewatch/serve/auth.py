"""Who is asking, and may they change anything: desk sessions, API tokens, CSRF.

Reading the desk needs no account. Changing a record needs the ``reviewer`` role
(``store.accounts``), proven one of two ways:

- the REST API takes ``Authorization: Bearer TOKEN`` (a token from ``wirewatch users
  token``) and nothing else: a browser never sends that header by itself, so a hostile page
  cannot make a visitor's browser call it;
- desk forms take the session cookie of a password login (HttpOnly, SameSite=Strict) *and*
  the session's CSRF token in a hidden field, compared in constant time; a request whose
  ``Origin`` names another site is refused as well. The login form itself carries a
  double-submit token (a random cookie and the same value in the form).

Every refusal is an ``HTTPException`` (401 without credentials, 403 with the wrong ones);
nothing is changed before the check passes.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from fastapi import HTTPException, Request
from fastapi.responses import Response

from wirewatch.store import Store
from wirewatch.store.accounts import SESSION_HOURS, User, user_for

SESSION_COOKIE = "ww_session"
LOGIN_COOKIE = "ww_login"
#: Largest form body read (a review form is a few hundred bytes).
MAX_FORM_BYTES = 64 * 1024


@dataclass(frozen=True)
class Viewer:
    """A signed-in user, how they proved it (``session`` or ``token``), and for a session
    the CSRF token its forms must carry."""

    user: User
    via: str
    csrf: str | None = None


def _store(request: Request) -> Store:
    return request.app.state.store


def bearer(request: Request) -> str | None:
    header = request.headers.get("authorization") or ""
    scheme, _sep, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def session_viewer(request: Request) -> Viewer | None:
    """The user of the request's session cookie (None: not signed in or expired)."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    with _store(request).engine.connect() as conn:
        found = user_for(conn, cookie, "session")
    return Viewer(found[0], "session", found[1]) if found else None


def token_viewer(request: Request) -> Viewer | None:
    token = bearer(request)
    if token is None:
        return None
    with _store(request).engine.connect() as conn:
        found = user_for(conn, token, "api")
    return Viewer(found[0], "token") if found else None


def require_token(request: Request, role: str) -> Viewer:
    """The API's check: a valid bearer token of a user with ``role`` or above."""
    if bearer(request) is None:
        raise HTTPException(401, "a token is required (Authorization: Bearer TOKEN; "
                                 "`wirewatch users token NAME` makes one)",
                            headers={"WWW-Authenticate": "Bearer"})
    viewer = token_viewer(request)
    if viewer is None:
        raise HTTPException(401, "unknown token", headers={"WWW-Authenticate": "Bearer"})
    if not viewer.user.can(role):
        raise HTTPException(403, f"the {role} role is required")
    return viewer


def same_origin(request: Request) -> bool:
    """False when the browser says the request comes from elsewhere: ``Sec-Fetch-Site``
    other than same-origin, or an ``Origin`` naming another host. (Under the desk's
    no-referrer policy a browser may send ``Origin: null`` for its own forms: that proves
    nothing either way, and the CSRF token decides.)"""
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None and fetch_site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return True
    return urlsplit(origin).netloc == request.headers.get("host", "")


def require_form(request: Request, form: dict[str, str], role: str) -> Viewer:
    """The forms' check: a live session with ``role`` or above, the session's CSRF token in
    the form, and no foreign ``Origin``."""
    viewer = session_viewer(request)
    if viewer is None:
        raise HTTPException(401, "sign in first (/login)")
    given = form.get("csrf", "")
    if (not same_origin(request) or not viewer.csrf
            or not secrets.compare_digest(given.encode(), viewer.csrf.encode())):
        raise HTTPException(403, "the form's security token is missing or wrong: reload the "
                                 "page and try again")
    if not viewer.user.can(role):
        raise HTTPException(403, f"the {role} role is required")
    return viewer


async def read_form(request: Request) -> dict[str, str]:
    """An ``application/x-www-form-urlencoded`` body as one value per name (check boxes
    that repeat a name are joined by spaces); bodies over ``MAX_FORM_BYTES`` are refused."""
    if request.headers.get("content-type", "").split(";")[0].strip() != \
            "application/x-www-form-urlencoded":
        raise HTTPException(415, "expected a form (application/x-www-form-urlencoded)")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            raise HTTPException(413, "form too large")
    try:
        parsed = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=200)
    except (UnicodeDecodeError, ValueError):
        raise HTTPException(400, "unreadable form") from None
    return {name: " ".join(values) if len(values) > 1 else values[0]
            for name, values in parsed.items()}


def set_cookie(request: Request, response: Response, name: str, value: str,
               hours: float = SESSION_HOURS) -> None:
    response.set_cookie(name, value, max_age=int(hours * 3600), path="/", httponly=True,
                        samesite="strict", secure=request.url.scheme == "https")


def local_path(target: str | None) -> str:
    """Where to go after signing in: a path on this desk, never another site."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    if any(ord(ch) < 0x20 for ch in target):
        return "/"
    return target
