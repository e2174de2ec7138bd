"""Misbehaving HTTP servers on 127.0.0.1 for `wirewatch watch` (tests and the hostile-surfaces
benchmark): each path answers in one scripted way, good or broken, and every request is
counted, so a test can tell what was fetched, how often, and whether a refused redirect
target was ever contacted."""

from __future__ import annotations

import socket
import socketserver
import threading
import time
from collections.abc import Callable

ARTICLE = """<html><head><title>{title}</title></head><body><article><h1>{title}</h1>
<p>{text}</p><p>The regional governor said security forces had sealed off the area and that
an investigation was under way. Residents described hearing gunfire for about an hour.</p>
</article></body></html>"""


def article(title: str, text: str) -> bytes:
    return ARTICLE.format(title=title, text=text).encode("utf-8")


def ok(body: bytes, ctype: str = "text/html") -> bytes:
    return (f"HTTP/1.1 200 OK\r\nContent-Type: {ctype}\r\nContent-Length: {len(body)}\r\n"
            "Connection: close\r\n\r\n").encode() + body


def redirect(location: str) -> bytes:
    return (f"HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\n"
            "Connection: close\r\n\r\n").encode()


Script = bytes | Callable[[socket.socket], None]


def drip(head: bytes, body: bytes, every: float = 1.0) -> Callable[[socket.socket], None]:
    """Send ``head`` at once, then ``body`` one byte every ``every`` seconds."""

    def send(sock: socket.socket) -> None:
        sock.sendall(head)
        for byte in body:
            sock.sendall(bytes([byte]))
            time.sleep(every)

    return send


def broken_responses() -> dict[str, Script]:
    """The HTTP stack's failures issue 24 found uncaught, each at its own path."""
    return {
        "/bad-status": b"HTTP/1.1 two hundred OK\r\n\r\nhello",
        "/garbage": b"\x16\x03\x01 not http at all\r\n\r\n",
        "/bad-chunk": (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                       b"Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n"),
        "/long-header": (b"HTTP/1.1 200 OK\r\nX-Junk: " + b"a" * (70 << 10)
                         + b"\r\n\r\nhello"),
        "/many-headers": (b"HTTP/1.1 200 OK\r\n"
                          + b"".join(b"X-H%d: v\r\n" % i for i in range(150)) + b"\r\nhello"),
        "/short-body": (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5000"
                        b"\r\n\r\n<html>cut"),
        "/reset": b"",
    }


class HostileSite:
    """A threaded TCP server answering each path with its script (404 when it has none)."""

    def __init__(self) -> None:
        self.scripts: dict[str, Script] = {}
        self.hits: dict[str, int] = {}
        self.lock = threading.Lock()
        site = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                sock: socket.socket = self.request
                sock.settimeout(30)
                data = b""
                try:
                    while b"\r\n\r\n" not in data and len(data) < 65536:
                        chunk = sock.recv(4096)
                        if not chunk:
                            return
                        data += chunk
                    path = data.split(b" ", 2)[1].decode("latin-1")
                    with site.lock:
                        site.hits[path] = site.hits.get(path, 0) + 1
                    script = site.scripts.get(path, b"HTTP/1.1 404 Not Found\r\n"
                                                    b"Content-Length: 0\r\n\r\n")
                    if callable(script):
                        script(sock)
                    elif script:
                        sock.sendall(script)
                    else:  # an empty script: drop the connection unanswered
                        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                        b"\x01\x00\x00\x00\x00\x00\x00\x00")
                except (OSError, IndexError):
                    pass

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def feed(self, path: str, links: list[tuple[str, str]], title: str = "Test Wire") -> None:
        """An RSS feed at ``path`` linking to (link, title) pairs (paths become URLs here)."""
        items = "".join(
            f"<item><title>{t}</title><link>{self.base + link if link.startswith('/') else link}"
            f"</link><pubDate>Mon, 06 May 2024 08:00:00 GMT</pubDate></item>"
            for link, t in links)
        rss = (f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>'
               f"<link>{self.base}/</link>{items}</channel></rss>")
        self.scripts[path] = ok(rss.replace("&", "&amp;").encode(), "application/rss+xml")

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Listener:
    """A bare listening socket that only counts connections (a redirect target that must
    never be contacted)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        self._stop = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.accepted += 1
            conn.close()

    def close(self) -> None:
        self._stop = True
        self.thread.join(1)
        self.sock.close()
