"""A lean HTTP/1.1 client for the load tests: one simulated browser per object.

The load generator shares the 2 cores with the server it measures, so every millisecond
of client CPU per request is taken from the server. aiohttp costs about 1.2 ms of CPU per
request here (its connector, cookie jar, multidict headers, timeouts); this client does
only what the simulated learners need, in about a fifth of that:

* one connection per request with `Connection: close` (gunicorn's sync workers close
  after every response anyway), a bare asyncio Protocol, the response read to EOF;
* extra request headers when asked (e.g. If-None-Match);
* the status, `Location`, `ETag` and `Set-Cookie` headers parsed, nothing else; the body is
  returned as bytes (no decoding, no chunked encoding: the app sends Content-Length);
* cookies kept as name → value, sent back on every request; a cookie set to expire
  (Max-Age=0 or an Expires in the past, as Flask does on logout) is dropped;
* form data sent as application/x-www-form-urlencoded (a dict or a list of pairs).

`Result`-compatible errors: connection failures raise OSError, a timeout TimeoutError.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from email.utils import parsedate_to_datetime
from urllib.parse import urlencode, urlsplit


class LeanResponse:
    """What a request returned: status, Location (path as sent), ETag and body."""

    __slots__ = ("status", "location", "body", "etag")

    def __init__(self, status: int, location: str, body: bytes, etag: str = "") -> None:
        self.status, self.location, self.body, self.etag = status, location, body, etag


class LeanBrowser:
    """One simulated browser: its cookies and its requests to one server."""

    def __init__(self, base_url: str, timeout: float) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port or 80
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self._host_header = f"Host: {parts.netloc}\r\n"

    async def fetch(
        self, method: str, path: str, data=None, headers: dict[str, str] | None = None
    ) -> LeanResponse:
        """Send one request (with any extra headers) and read the whole response (bounded
        by the timeout)."""
        async with asyncio.timeout(self.timeout):
            return await self._fetch(method, path, data, headers)

    async def _fetch(self, method: str, path: str, data, headers=None) -> LeanResponse:
        head = [f"{method} {path} HTTP/1.1\r\n", self._host_header, "Connection: close\r\n"]
        head += [f"{name}: {value}\r\n" for name, value in (headers or {}).items()]
        if self.cookies:
            head.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
            head.append("\r\n")
        body = b""
        if data is not None:
            body = urlencode(data).encode()
            head.append("Content-Type: application/x-www-form-urlencoded\r\n")
            head.append(f"Content-Length: {len(body)}\r\n")
        loop = asyncio.get_running_loop()
        done = loop.create_future()
        request = "".join(head).encode("latin-1") + b"\r\n" + body
        transport, _ = await loop.create_connection(
            lambda: _OneExchange(request, done), self.host, self.port
        )
        try:
            raw = await done
        finally:
            transport.close()
        return self._parse(raw)

    def _parse(self, raw: bytes) -> LeanResponse:
        header_block, separator, body = raw.partition(b"\r\n\r\n")
        if not separator:
            raise ConnectionResetError("incomplete response")
        lines = header_block.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        location = etag = ""
        for line in lines[1:]:
            name, _, value = line.partition(":")
            lowered = name.lower()
            if lowered == "location":
                location = value.strip()
            elif lowered == "etag":
                etag = value.strip()
            elif lowered == "set-cookie":
                self._store_cookie(value.strip())
        return LeanResponse(status, location, body, etag)

    def _store_cookie(self, header: str) -> None:
        pair, *attributes = header.split(";")
        name, _, value = pair.strip().partition("=")
        if any(_expires_now(attribute) for attribute in attributes):
            self.cookies.pop(name, None)
        else:
            self.cookies[name] = value

    async def close(self) -> None:
        """Nothing to release (no connection outlives its request)."""

    async def __aenter__(self) -> LeanBrowser:
        return self

    async def __aexit__(self, *_exc) -> None:
        await self.close()


class _OneExchange(asyncio.Protocol):
    """Write the request when connected; resolve `done` with the whole response and close
    at once: at its Content-Length, else at EOF.

    Closing as soon as the response is complete matters with gunicorn's sync workers: since
    gunicorn 23 a worker half-closes and then waits for the client's FIN before it takes the
    next request (RFC 9112 section 9.6), so a client that closes one event-loop turn late
    holds a worker that long."""

    def __init__(self, request: bytes, done: asyncio.Future) -> None:
        self.request, self.done, self.buffer = request, done, bytearray()
        self.transport: asyncio.Transport | None = None
        self.expected: int | None = None  # header bytes + Content-Length, once known

    def connection_made(self, transport) -> None:
        self.transport = transport
        transport.write(self.request)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if self.expected is None:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            self.expected = end + 4 + _content_length(bytes(self.buffer[:end]))
        if 0 <= self.expected <= len(self.buffer):
            self._finish()

    def eof_received(self) -> bool:
        self._finish()
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        if exc is not None and not self.done.done():
            self.done.set_exception(exc)
        self._finish()

    def _finish(self) -> None:
        if not self.done.done():
            self.done.set_result(bytes(self.buffer))
        if self.transport is not None:
            self.transport.close()


def _content_length(header_block: bytes) -> int:
    """The Content-Length of a response's headers, or a huge number (read to EOF)."""
    for line in header_block.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value)
    return 1 << 62


def _expires_now(attribute: str) -> bool:
    key, _, value = attribute.strip().partition("=")
    key = key.lower()
    if key == "max-age":
        return value.strip().lstrip("-").isdigit() and int(value) <= 0
    if key == "expires":
        try:
            return parsedate_to_datetime(value) <= dt.datetime.now(dt.UTC)
        except (TypeError, ValueError):
            return False
    return False
