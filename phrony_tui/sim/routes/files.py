"""The file library: presign, the upload URL itself, and finalize (API.md section 7)."""

from __future__ import annotations

import re
import time

from starlette.requests import Request
from starlette.responses import Response

from ..validation import Refusal
from ..wire import WireJSONResponse as JSONResponse
from ..world import MAX_UPLOAD_BYTES, UPLOAD_EXPIRES_S, StoredFile
from .base import Handlers, error

UPLOAD_PREFIX = "/_uploads/"
BLOCKED_MEDIA = re.compile(
    r"^(text/html|application/xhtml\+xml|image/svg\+xml|application/x-msdownload|"
    r"application/x-msdos-program|application/x-executable|application/x-sh|"
    r"application/x-dosexec|application/vnd\.microsoft\.portable-executable|"
    r"application/java-archive|application/x-mach-binary)$",
    re.I,
)
REQUIRED_SSE = "AES256"


class FileRoutes(Handlers):
    async def presign(self, request: Request) -> Response:
        key = self.key(request)
        if not key.uploads:
            raise Refusal(403, "uploads_disabled", "file uploads are not enabled for this API key")
        body = await self.body(request)
        if not isinstance(body, dict):
            raise Refusal(400, "invalid_body", "the body must be a JSON object")
        filename, media, size = (
            body.get("filename"),
            body.get("mediaType"),
            body.get("maxContentLength"),
        )
        if not isinstance(filename, str) or not 1 <= len(filename) <= 512:
            raise Refusal(400, "invalid_filename", "filename must be 1 to 512 characters")
        if not isinstance(media, str) or "/" not in media:
            raise Refusal(400, "invalid_media_type", "mediaType must be a type/subtype string")
        if BLOCKED_MEDIA.match(media.split(";")[0].strip()):
            raise Refusal(400, "media_type_not_allowed", f"media type {media} is not allowed")
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise Refusal(
                400,
                "invalid_max_content_length",
                "maxContentLength must be an integer of at least 1",
            )
        if size > MAX_UPLOAD_BYTES:
            raise Refusal(
                400,
                "max_content_length_too_large",
                f"maxContentLength exceeds the limit of {MAX_UPLOAD_BYTES} bytes",
            )
        ids = self.world.engine.ids
        ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
        ext = re.sub(r"[^a-z0-9]", "", ext)[:10] or "bin"
        object_key = f"tenants/{self.world.tenant_id}/files/{ids.new()}.{ext}"
        token = ids.new().replace("-", "")
        self.world.files[object_key] = StoredFile(
            object_key, filename, media, size, token, time.monotonic() + UPLOAD_EXPIRES_S
        )
        self.world.uploads[token] = object_key
        self.world.leaves[object_key.rsplit("/", 1)[-1]] = object_key
        base = str(request.base_url).rstrip("/")
        return JSONResponse(
            {
                "objectKey": object_key,
                "uploadUrl": f"{base}{UPLOAD_PREFIX}{token}",
                "httpMethod": "PUT",
                "requiredHeaders": {
                    "Content-Type": media,
                    "x-amz-server-side-encryption": REQUIRED_SSE,
                },
                "expiresInSeconds": UPLOAD_EXPIRES_S,
            }
        )

    async def upload(self, request: Request) -> Response:
        object_key = self.world.uploads.get(request.path_params["token"])
        stored = self.world.files.get(object_key or "")
        if stored is None:
            return error(404, "upload_not_found", "no such upload URL")
        if stored.finalized:
            return error(409, "already_finalized", "this file is finalized; presign a new one")
        if self.world.expired(stored):
            return error(403, "upload_url_expired", "the presigned URL has expired")
        if (
            request.headers.get("content-type") != stored.media_type
            or request.headers.get("x-amz-server-side-encryption") != REQUIRED_SSE
        ):
            return error(
                403, "signature_mismatch", "send every requiredHeaders entry exactly as given"
            )
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > stored.max_content_length:
            return error(413, "too_large", "body larger than maxContentLength")
        data = bytearray()
        async for chunk in request.stream():
            data.extend(chunk)
            if len(data) > stored.max_content_length:
                return error(413, "too_large", "body larger than maxContentLength")
        stored.data = bytes(data)
        return Response(status_code=200)

    async def finalize(self, request: Request) -> Response:
        key = self.key(request)
        if not key.uploads:
            raise Refusal(403, "uploads_disabled", "file uploads are not enabled for this API key")
        body = await self.body(request)
        if not isinstance(body, dict) or not isinstance(body.get("objectKey"), str):
            raise Refusal(400, "invalid_body", "objectKey is required")
        stored = self.world.files.get(body["objectKey"])
        if stored is None:
            raise Refusal(404, "object_not_found", "no presigned file with this objectKey")
        size = body.get("maxContentLength")
        if size != stored.max_content_length:
            raise Refusal(
                400,
                "max_content_length_mismatch",
                "maxContentLength must be the value given at presign",
            )
        if stored.data is None:
            raise Refusal(400, "not_uploaded", "nothing was uploaded for this objectKey")
        already = stored.finalized
        stored.finalized = True
        return JSONResponse(
            {
                "objectKey": stored.object_key,
                "sizeBytes": str(len(stored.data)),
                "alreadyFinalized": already,
            }
        )
