"""What keeps hostile article text inert in the desk: response headers and the URL check.

Article text and titles come from propaganda sites and hostile pages. Templates escape
everything (Jinja autoescaping); on top of that every response carries a strict
Content-Security-Policy (scripts, styles and images only from the desk itself, no inline
script or style, no framing, no plugins), so even a bug in escaping could not run a script.
Request bodies are bounded (``BodyLimit``, ``read_body``). URLs found in records become
links only with an http(s) scheme and no invisible or
direction-changing characters (``safe_url``).
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

from wirewatch.contract.limits import MAX_URL_CHARS

#: The policy of every response: nothing inline, nothing from elsewhere.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)

#: Unicode categories a link may not hold: format characters (bidi overrides and isolates,
#: zero-width joiners), controls, separators and unassigned code points.
_HIDDEN = frozenset({"Cf", "Cc", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"})

SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class SecurityHeaders:
    """ASGI middleware adding ``SECURITY_HEADERS`` to every HTTP response (errors included)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _v in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []),
                                      *(h for h in SECURITY_HEADERS if h[0] not in names)]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def safe_url(url: object) -> str | None:
    """``url`` if it is an absolute http(s) URL safe to put in ``href``, else None."""
    if not isinstance(url, str) or not url or len(url) > MAX_URL_CHARS:
        return None
    if any(ord(ch) <= 0x20 or ord(ch) == 0x7F or ch in '\\"<>`' for ch in url):
        return None
    if not url.isascii() and any(unicodedata.category(ch) in _HIDDEN for ch in url):
        return None  # a right-to-left override (U+202E) and the like disguise a link
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


#: The largest request body the desk reads by default (``wirewatch serve --max-body-mb``):
#: room for a request of 100 long articles, far below what would strain the server.
DEFAULT_MAX_BODY_BYTES = 32 << 20


class BodyTooLarge(StarletteHTTPException):
    """413: a request body over the desk's limit (raised while it streams in)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body over the desk's limit of {limit:,} bytes")


class BodyLimit:
    """ASGI middleware bounding request bodies: a declared Content-Length over ``max_bytes``
    is refused before anything is read, and a body sent without one (chunked) is cut off
    with 413 as soon as it passes the limit, so no request can make the server buffer more
    than ``max_bytes``."""

    def __init__(self, app: ASGIApp, max_bytes: int = DEFAULT_MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = [v for k, v in scope.get("headers", []) if k.lower() == b"content-length"]
        if declared and (len(declared) > 1 or not declared[0].strip().isdigit()
                         or int(declared[0]) > self.max_bytes):
            await _refuse(send, 413 if declared[0].strip().isdigit() else 400,
                          f"request body over the desk's limit of {self.max_bytes:,} bytes"
                          if declared[0].strip().isdigit() else "bad Content-Length")
            return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except BodyTooLarge as err:
            if started:
                raise
            await _refuse(send, 413, str(err.detail))


async def _refuse(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


async def read_body(request: Any, limit: int) -> bytes:
    """The request's body, refused with 413 once it passes ``limit`` bytes (whatever the
    Content-Length said)."""
    parts: list[bytes] = []
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise BodyTooLarge(limit)
            parts.append(chunk)
    except ClientDisconnect:  # nobody is left to answer; no traceback in the server's log
        raise StarletteHTTPException(400, "the client disconnected before sending the body"
                                     ) from None
    return b"".join(parts)
