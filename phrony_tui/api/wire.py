"""What every request shares: the key put on it as it leaves, path segments that cannot
escape their route, and each way sending can fail mapped to one typed error without the key."""

from __future__ import annotations

import re
from collections.abc import Generator
from urllib.parse import quote

import httpx

from .body import ERROR_BODY_BYTES, read_body
from .config import ApiKey
from .errors import (
    APIConnectionError,
    APITimeoutError,
    PhronyError,
    RequestError,
    ResponseError,
    status_error,
)

_HEADER_SAFE = re.compile(r"[\x20-\x7e]{1,1024}")


class KeyAuth(httpx.Auth):
    """Puts the key on each request to the API as it is sent, so it never sits in a local
    variable of ours (tracebacks with locals) nor in a default header (the upload PUT)."""

    def __init__(self, key: ApiKey) -> None:
        self._key = key

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["X-API-Key"] = self._key.reveal()
        yield request

    def __repr__(self) -> str:
        return "KeyAuth(****)"


def segment(value: str, what: str = "id") -> str:
    """One URL path segment; a run id with ``/`` or ``..`` cannot reach another route, and an
    empty one or one that is not text (undecodable bytes from a command line) is refused."""
    if not value.strip():
        raise RequestError(f"the {what} is empty")
    try:
        return quote(value, safe="")
    except UnicodeEncodeError:
        raise RequestError(f"the {what} holds bytes that are not UTF-8 text") from None


def header_safe(value: str) -> bool:
    """True when ``value`` can be sent as a header value as it is (printable ASCII)."""
    return _HEADER_SAFE.fullmatch(value) is not None


def scrub(exc: BaseException, key: ApiKey) -> str:
    """An exception's text for a message, with the key masked should it appear."""
    text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return text.replace(key.reveal(), "phk_****")


def transport_error(
    exc: httpx.HTTPError, method: str, path: str, target: str, key: ApiKey
) -> PhronyError:
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(
            f"timed out on {method} {path} ({type(exc).__name__})",
            method=method,
            path=path,
            maybe_sent=not isinstance(exc, httpx.ConnectTimeout),
        )
    return APIConnectionError(
        f"cannot reach {target} on {method} {path}: {scrub(exc, key)}",
        method=method,
        path=path,
        maybe_sent=not isinstance(exc, httpx.ConnectError),
    )


async def answer_error(
    response: httpx.Response, method: str, path: str, key: ApiKey
) -> PhronyError:
    """The typed error of a non-2xx answer, from the first bytes of its body (a server that
    echoes the key back in it gets it masked)."""
    try:
        body = await read_body(response, ERROR_BODY_BYTES, what=f"{method} {path}", truncate=True)
    except ResponseError:
        body = bytearray()
    return status_error(
        response.status_code,
        method,
        path,
        body.decode("utf-8", "replace").replace(key.reveal(), "phk_****"),
        response.headers.get("Retry-After"),
    )
