"""The upload PUT's target, checked before use: ``uploadUrl``, ``httpMethod`` and
``requiredHeaders`` come from the server's presign answer, and a request built from a port of
99999 or a header name that is not ASCII fails deep inside the HTTP stack with whatever
exception it meets there. Refused here instead, with a message saying which part is wrong."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable

from .errors import ResponseError
from .models import PresignResponse

ProgressCallback = Callable[[int, int], None]
UPLOAD_CHUNK = 256 * 1024

_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,256}")
_VALUE = re.compile(r"[\x20-\x7e\t]{0,8192}")
_URL = re.compile(r"(?i)(https?)://(\[[0-9a-f:.]+\]|[a-z0-9.\-_~%]+)(?::([0-9]{1,10}))?(?:[/?].*)?")


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be sent to (http or https, a host, a port from 1 to 65535, ASCII
    with no spaces or controls), or None when it can."""
    if not (url.isascii() and url.isprintable()) or " " in url:
        return "it holds spaces, control or non-ASCII characters"
    match = _URL.fullmatch(url)
    if match is None:
        return "it is not an http(s)://host/… address"
    port = match.group(3)
    if port is not None and not 0 < int(port) < 65536:
        return f"its port {port} is outside 1-65535"
    return None


def check_upload_target(presigned: PresignResponse) -> None:
    """Raise ``ResponseError`` when the presign answer cannot be used as it is."""

    def refuse(why: str) -> ResponseError:
        return ResponseError(f"the server's upload answer cannot be used: {why}")

    problem = url_problem(presigned.upload_url)
    if problem:
        raise refuse(f"uploadUrl: {problem}")
    if not _TOKEN.fullmatch(presigned.http_method or "PUT"):
        raise refuse("httpMethod is not an HTTP method name")
    for name, value in presigned.required_headers.items():
        if not _TOKEN.fullmatch(name):
            raise refuse(
                f"requiredHeaders has a name that is not a plain ASCII token ({name!a:.60})"
            )
        if not isinstance(value, str) or not _VALUE.fullmatch(value):
            raise refuse(f"requiredHeaders[{name}] holds control or non-ASCII characters")


async def chunks(data: bytes, progress: ProgressCallback | None) -> AsyncIterator[bytes]:
    """``data`` in chunks, reporting bytes sent as each goes."""
    total, sent = len(data), 0
    if progress:
        progress(0, total)
    for start in range(0, total, UPLOAD_CHUNK):
        chunk = data[start : start + UPLOAD_CHUNK]
        sent += len(chunk)
        yield chunk
        if progress:
            progress(sent, total)
