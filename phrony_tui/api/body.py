"""Reading response bodies without trusting what the server says about them.

``Content-Length`` is only a claim: nothing is allocated from it, and a claim over the limit is
refused before a byte is read. Compressed bodies are decoded here, in pieces of at most
``PIECE`` bytes, so a gzip bomb (1 MB that inflates to gigabytes) stops at the limit instead of
filling memory: httpx's own decoders inflate each network chunk whole.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator, Iterator

import httpx

from .errors import ResponseError, ResponseTooLargeError

#: Largest body accepted by default. The largest real conversation measured (100,000 steps) is
#: about 66 MB of JSON; this leaves room for eight of those.
DEFAULT_MAX_BODY_BYTES = 512 * 1024 * 1024
#: Bytes of an error body kept: enough for any message, while a 20 MB one costs nothing.
ERROR_BODY_BYTES = 64 * 1024
#: Largest piece a decoder hands over at once.
PIECE = 256 * 1024
#: The encodings decoded here, and so the only ones asked for.
ACCEPT_ENCODING = "gzip, deflate"


class _Identity:
    def decode(self, data: bytes) -> Iterator[bytes]:
        if data:
            yield data

    def flush(self) -> Iterator[bytes]:
        return iter(())


class _Zlib:
    """gzip or deflate, decoded with a bound on each output piece. ``deflate`` is read as
    zlib-wrapped and, failing that at the first byte, raw (servers send both)."""

    def __init__(self, encoding: str) -> None:
        self._gzip = encoding in ("gzip", "x-gzip")
        self._inflate = zlib.decompressobj(zlib.MAX_WBITS | 16 if self._gzip else zlib.MAX_WBITS)
        self._first = True

    def decode(self, data: bytes) -> Iterator[bytes]:
        if self._first and data and not self._gzip:
            self._first = False
            try:
                self._inflate.copy().decompress(data[:2])
            except zlib.error:
                self._inflate = zlib.decompressobj(-zlib.MAX_WBITS)
        while True:
            try:
                out = self._inflate.decompress(data, PIECE)
            except zlib.error as exc:
                raise ResponseError(f"the body cannot be decoded: {exc}") from None
            if out:
                yield out
            data = self._inflate.unconsumed_tail
            if not data and len(out) < PIECE:
                return

    def flush(self) -> Iterator[bytes]:
        yield from self.decode(b"")


Decoder = _Identity | _Zlib


def decoders_for(content_encoding: str) -> list[Decoder]:
    """The decoders for a ``Content-Encoding`` header, in the order to apply them."""
    names = [n.strip().lower() for n in content_encoding.split(",")]
    out: list[Decoder] = []
    for name in reversed(names):
        if name in ("", "identity"):
            continue
        if name not in ("gzip", "x-gzip", "deflate"):
            raise ResponseError(
                f"the body is encoded as {name[:40]!r}, which was not asked for "
                f"(accepted: {ACCEPT_ENCODING})"
            )
        out.append(_Zlib(name))
    return out or [_Identity()]


async def decoded(response: httpx.Response) -> AsyncIterator[bytes]:
    """The body's decoded bytes in pieces of at most ``PIECE`` (or a network chunk, when not
    encoded). Raises ``ResponseError`` when it cannot be decoded, httpx errors as they come."""
    if response.is_stream_consumed:
        # A transport that hands bodies over already read and decoded (``httpx.MockTransport``).
        if response.content:
            yield response.content
        return
    chain = decoders_for(response.headers.get("Content-Encoding", ""))
    if all(isinstance(d, _Identity) for d in chain):
        # Not encoded (a stream, most often): each chunk as it comes, at no cost per chunk.
        async for raw in response.aiter_raw():
            if raw:
                yield raw
        return
    async for raw in response.aiter_raw():
        for piece in _through(chain, raw):
            yield piece
    for piece in _flush(chain):
        yield piece


def _through(chain: list[Decoder], data: bytes) -> Iterator[bytes]:
    if not chain:
        if data:
            yield data
        return
    for piece in chain[0].decode(data):
        yield from _through(chain[1:], piece)


def _flush(chain: list[Decoder]) -> Iterator[bytes]:
    for index, decoder in enumerate(chain):
        for piece in decoder.flush():
            yield from _through(chain[index + 1 :], piece)


def announced_length(response: httpx.Response) -> int | None:
    value = response.headers.get("Content-Length", "").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) < 30 else None


async def read_body(
    response: httpx.Response, limit: int, *, what: str, truncate: bool = False
) -> bytearray:
    """The whole decoded body, at most ``limit`` bytes. Past the limit it raises
    ``ResponseTooLargeError`` or, with ``truncate``, keeps the first ``limit`` bytes. The
    response is closed either way."""
    try:
        announced = announced_length(response)
        if announced is not None and announced > limit and not truncate:
            raise ResponseTooLargeError(
                f"{what}: the server announced a body of {announced:,} bytes, more than the "
                f"{limit:,} this client accepts",
                limit=limit,
            )
        body = bytearray()
        async for piece in decoded(response):
            room = limit - len(body)
            if len(piece) > room:
                if truncate:
                    body += piece[:room]
                    break
                raise ResponseTooLargeError(
                    f"{what}: the body grew past the {limit:,} bytes this client accepts; "
                    "reading stopped there",
                    limit=limit,
                )
            body += piece
        return body
    finally:
        await response.aclose()
