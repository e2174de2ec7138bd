"""One bounded HTTP GET for ``wirewatch watch``: the only code in wirewatch that goes online.

Feed servers and article sites are hostile input like the articles themselves, so a fetch
must end, and end in a value, whatever the server does:

- any exception of the HTTP stack (a bad status line, a bad chunk size, an over-long header
  line, too many headers, TLS errors, resets) becomes :class:`Fetched` with a one-line error,
  never a traceback that would end the poll;
- a wall-clock deadline bounds the whole fetch, headers and redirects included: a watchdog
  timer shuts the sockets down when it passes, so a server that drips one byte a second
  cannot hold a poll (a socket timeout alone bounds each read, not the fetch);
- at most ``limit`` bytes are read;
- redirects are followed only to http(s) URLs, at most :data:`MAX_REDIRECTS` of them, and the
  final URL is checked again.
"""

from __future__ import annotations

import http.client
import socket
import threading
import time
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.error import HTTPError
from urllib.parse import urlsplit

#: Sent with every request, so that sites can tell what is fetching.
USER_AGENT = "wirewatch-watch/0.1 (+https://github.com/wirewatch)"
#: Redirects followed before a fetch gives up.
MAX_REDIRECTS = 5
#: Bytes asked of the socket per read.
_CHUNK = 64 << 10


@dataclass
class Fetched:
    """What one GET gave: the body, or why not; ``retry`` when a later poll may succeed."""

    body: bytes | None = None
    error: str | None = None
    retry: bool = False
    url: str | None = None  # where the body came from, after redirects


class _RefusedRedirect(Exception):
    """A redirect to a scheme other than http(s)."""


def is_http_url(url: str) -> bool:
    """An absolute http(s) URL with a host."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


class _Watchdog:
    """Shuts every socket of one fetch down when the fetch's deadline passes."""

    def __init__(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                self._shut(sock)

    def left(self) -> float:
        return max(0.0, self.deadline - time.monotonic())

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                self._shut(sock)

    @staticmethod
    def _shut(sock: socket.socket) -> None:
        try:  # the raw socket's shutdown, TLS or not: a blocked recv returns at once
            socket.socket.shutdown(sock, socket.SHUT_RDWR)
        except OSError:
            pass

    def cancel(self) -> None:
        self._timer.cancel()


def _connection_class(base: type[http.client.HTTPConnection], dog: _Watchdog) -> Any:
    class Watched(base):  # type: ignore[valid-type, misc]
        def connect(self) -> None:
            self.timeout = max(0.05, min(self.timeout or dog.left(), dog.left()))
            super().connect()
            dog.watch(self.sock)

    return Watched


class _Redirects(urllib.request.HTTPRedirectHandler):
    max_redirections = MAX_REDIRECTS
    max_repeats = 2

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any,
                         newurl: str) -> Any:
        if not is_http_url(newurl):
            raise _RefusedRedirect(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _opener(dog: _Watchdog) -> urllib.request.OpenerDirector:
    http_conn = _connection_class(http.client.HTTPConnection, dog)
    https_conn = _connection_class(http.client.HTTPSConnection, dog)

    class Http(urllib.request.HTTPHandler):
        def http_open(self, req: Any) -> Any:
            return self.do_open(http_conn, req)

    class Https(urllib.request.HTTPSHandler):
        def https_open(self, req: Any) -> Any:
            return self.do_open(https_conn, req, context=self._context)

    opener = urllib.request.OpenerDirector()
    for handler in (urllib.request.ProxyHandler(), urllib.request.UnknownHandler(), Http(),
                    Https(), _Redirects(),
                    urllib.request.HTTPDefaultErrorHandler(),
                    urllib.request.HTTPErrorProcessor()):
        opener.add_handler(handler)
    return opener


def _one_line(err: BaseException) -> str:
    reason = getattr(err, "reason", None)
    detail = str(reason if reason is not None else err).splitlines()
    text = "".join(ch if ch.isprintable() else "?" for ch in detail[0][:160]) if detail else ""
    return f"{type(err).__name__}{': ' + text if text else ''}"


def fetch(url: str, timeout: float, limit: int) -> Fetched:
    """GET ``url`` (http or https only) within ``timeout`` seconds in all and ``limit``
    bytes; never raises."""
    if not is_http_url(url):
        return Fetched(error="not an http(s) URL")
    dog = _Watchdog(timeout)
    try:
        return _get(url, dog, limit)
    except _RefusedRedirect as err:
        return Fetched(error=f"redirected to a URL that is not http(s) "
                             f"({str(err)[:120]!r}): not followed")
    except HTTPError as err:
        if err.code in (301, 302, 303, 307, 308):
            return Fetched(error=f"more than {MAX_REDIRECTS} redirects", retry=False)
        return Fetched(error=f"HTTP {err.code}", retry=err.code >= 500 or err.code == 429)
    except Exception as err:  # noqa: BLE001 - any failure of one server is that URL's error
        if dog.expired:
            return Fetched(error=f"took longer than {timeout:g} s", retry=True)
        return Fetched(error=f"could not be fetched ({_one_line(err)})", retry=True)
    finally:
        dog.cancel()


def _get(url: str, dog: _Watchdog, limit: int) -> Fetched:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
    with _opener(dog).open(request, timeout=max(0.05, dog.left())) as response:
        final = response.geturl()
        if not is_http_url(final):
            return Fetched(error="ended at a URL that is not http(s)")
        parts: list[bytes] = []
        size = 0
        while size <= limit:
            if dog.expired:
                raise TimeoutError("deadline")
            chunk = response.read1(min(_CHUNK, limit + 1 - size))
            if not chunk:
                break
            parts.append(chunk)
            size += len(chunk)
        if size <= limit and (response.length or 0) > 0:
            raise http.client.IncompleteRead(b"", response.length)
    if dog.expired:
        raise TimeoutError("deadline")
    if size > limit:
        return Fetched(error=f"larger than {limit} bytes")
    return Fetched(body=b"".join(parts), url=final)
