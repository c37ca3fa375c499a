"""Compressed bodies that inflate far beyond their size, made once per test session."""

from __future__ import annotations

import functools
import zlib

MIB = 1024 * 1024


@functools.cache
def bomb(encoding: str, inflated_mib: int) -> bytes:
    """``inflated_mib`` MiB of zeros, gzip or deflate (zlib-wrapped) compressed, made without
    holding the inflated bytes."""
    wbits = zlib.MAX_WBITS | 16 if encoding == "gzip" else zlib.MAX_WBITS
    packer = zlib.compressobj(9, zlib.DEFLATED, wbits)
    block = bytes(MIB)
    parts = [packer.compress(block) for _ in range(inflated_mib)]
    parts.append(packer.flush())
    return b"".join(parts)


def compress(data: bytes, encoding: str) -> bytes:
    if encoding == "gzip":
        packer = zlib.compressobj(6, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    elif encoding == "deflate-raw":
        packer = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    else:
        packer = zlib.compressobj(6, zlib.DEFLATED, zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()
