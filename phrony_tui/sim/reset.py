"""A TCP reset (RST) from inside a response: what a crashed proxy or a lost NAT entry does to a
long stream. Closing the body early only sends a FIN, which a client reads as an orderly end
of the connection; a reset is an error at the socket."""

from __future__ import annotations

import asyncio
import socket
import struct
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

TRANSPORT = "phrony.transport"


class TransportInScope:
    """The outermost layer: puts the connection's transport in the request's scope, so that
    a fault can reset it. The ASGI server's ``send`` is a method of its per-request cycle,
    which holds the transport (uvicorn)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        transport = getattr(getattr(send, "__self__", None), "transport", None)
        if isinstance(transport, asyncio.Transport):
            scope[TRANSPORT] = transport
        await self.app(scope, receive, send)


def reset(scope: dict[str, Any] | Scope) -> bool:
    """Reset the request's connection now (``SO_LINGER`` 0, then abort). False when the
    transport is not known; the caller then only breaks the response off."""
    transport = scope.get(TRANSPORT)
    if not isinstance(transport, asyncio.Transport) or transport.is_closing():
        return False
    sock = transport.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()
    return True
