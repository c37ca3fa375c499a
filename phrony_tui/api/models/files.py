"""File references (in a message, in a run's input) and the upload handshake's responses."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .base import WireModel


class FileRef(WireModel):
    """A file attached to a message: referenced by ``objectKey`` (API.md section 7)."""

    phrony_file: Literal[True] = True
    object_key: str
    filename: str | None = None
    media_type: str | None = None


class InputFileRef(WireModel):
    """A file in a run's ``input``: referenced by the leaf ``filename`` (API.md 3.1)."""

    phrony_file: Literal[True] = True
    filename: str
    media_type: str


class PresignResponse(WireModel):
    object_key: str
    upload_url: str
    http_method: str = "PUT"
    required_headers: dict[str, str] = Field(default_factory=dict)
    expires_in_seconds: int | None = None


class FinalizeResponse(WireModel):
    object_key: str
    size_bytes: str = "0"
    already_finalized: bool = False
