"""``PhronyClient``: a typed async client for every route of the Phrony public Runs API."""

from __future__ import annotations

import mimetypes
import os
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from .body import (
    ACCEPT_ENCODING,
    DEFAULT_MAX_BODY_BYTES,
    read_body,
)
from .compact import Snapshot, brief, parse_conversation, parse_model
from .config import ApiKey, ClientConfig
from .errors import (
    ConfigError,
    PhronyError,
    RequestError,
    ResponseError,
    StreamProtocolError,
)
from .heap import LARGE, collector_paused
from .models import (
    Accepted,
    Conversation,
    FileRef,
    FinalizeResponse,
    MessageBody,
    PresignResponse,
    RunInfo,
    SessionList,
    StartRunResponse,
)
from .stream import DEFAULT_MAX_EVENT_BYTES, EventStream, SSEParser
from .upload import ProgressCallback, check_upload_target, chunks, url_problem
from .wire import KeyAuth, answer_error, header_safe, scrub, segment, transport_error

M = TypeVar("M", bound=BaseModel)

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
#: Read timeout of the live stream: well above the 15 s heartbeat, so only a real stall trips it.
STREAM_READ_TIMEOUT = 45.0


class PhronyClient:
    """Async client over one ``httpx.AsyncClient``.

    ``base_url`` and ``api_key`` default to ``PHRONY_API_BASE`` and ``PHRONY_API_KEY``. The key
    travels only in the ``X-API-Key`` header of requests to ``base_url``; redirects are never
    followed, and the upload PUT to object storage never carries it.

    Nothing the server sends is trusted for size: a body may grow to ``max_body_bytes``
    (decoded), one stream event to ``max_event_bytes``; past either, a typed error.

    The client changes no process-wide state unless asked. With ``manage_gc`` it pauses the
    cyclic garbage collector while it builds a large body (1 MiB or more) into objects, which
    halves the time to load a 100,000-step conversation; an application that owns its process
    (the console) opts in, a library caller need not.
    """

    def __init__(
        self,
        base_url: str | None = None,
        api_key: str | ApiKey | None = None,
        *,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        stream_read_timeout: float = STREAM_READ_TIMEOUT,
        max_event_bytes: int = DEFAULT_MAX_EVENT_BYTES,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        allow_insecure_http: bool = False,
        manage_gc: bool = False,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.config = ClientConfig.resolve(
            base_url, api_key, allow_insecure_http=allow_insecure_http
        )
        problem = url_problem(self.config.base_url)
        if problem:
            raise ConfigError(f"base URL cannot be used: {problem}")
        self.stream_read_timeout = stream_read_timeout
        self.max_event_bytes = max_event_bytes
        self.max_body_bytes = max_body_bytes
        self.manage_gc = manage_gc
        self._http = httpx.AsyncClient(
            timeout=timeout,
            auth=KeyAuth(self.config.api_key),
            follow_redirects=False,
            transport=transport,
            headers={"User-Agent": "phrony-tui", "Accept-Encoding": ACCEPT_ENCODING},
        )

    @property
    def base_url(self) -> str:
        return self.config.base_url

    def __repr__(self) -> str:
        return f"PhronyClient(base_url={self.base_url!r})"

    async def __aenter__(self) -> PhronyClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    # --- plumbing --------------------------------------------------------------------------

    def _headers(self, has_body: bool) -> dict[str, str]:
        headers = {"Accept": "application/json"}
        if has_body:
            headers["Content-Type"] = "application/json"
        return headers

    @contextmanager
    def _guard(self, method: str, path: str, target: str = "") -> Iterator[None]:
        """Every failure of sending and reading as a typed error. Besides httpx's own errors,
        a request httpx cannot build from what the caller or the server gave (a header that
        is not ASCII, a malformed URL) raises plain ``ValueError``s and ``InvalidURL``."""
        try:
            yield
        except httpx.HTTPError as exc:
            raise transport_error(
                exc, method, path, target or self.base_url, self.config.api_key
            ) from None
        except (httpx.InvalidURL, ValueError, OverflowError) as exc:
            raise RequestError(
                f"cannot send {method} {path}: {scrub(exc, self.config.api_key)[:300]}",
                method=method,
                path=path,
            ) from None

    async def _request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
    ) -> bytearray:
        """Send and read the body (at most ``max_body_bytes``, decoded here); a typed error for
        a transport failure, an error status or a body that cannot be read."""
        clean = {k: v for k, v in (params or {}).items() if v is not None}
        with self._guard(method, path):
            request = self._http.build_request(
                method,
                self.base_url + path,
                json=json,
                params=clean,
                headers=self._headers(json is not None),
            )
            response = await self._http.send(request, stream=True)
            if not response.is_success:
                raise await answer_error(response, method, path, self.config.api_key)
            return await read_body(response, self.max_body_bytes, what=f"{method} {path}")

    async def _json(self, model: type[M], method: str, path: str, **kwargs: Any) -> M:
        body = await self._request(method, path, **kwargs)
        return self._parse(model, body, method, path)

    def _parse(self, model: type[M], body: bytes | bytearray, method: str, path: str) -> M:
        try:
            if not body:
                # An empty success body: build what the model allows rather than fail.
                return model.model_validate({})
            with collector_paused(self.manage_gc and len(body) >= LARGE):
                return parse_model(model, body)
        except (ValueError, RecursionError) as exc:
            said = brief(exc) if isinstance(exc, ValidationError) else str(exc)[:300]
            raise ResponseError(f"unexpected response body on {method} {path}: {said}") from None

    # --- agents ----------------------------------------------------------------------------

    async def start_run(
        self, agent_id: str, input: Mapping[str, Any] | None = None
    ) -> StartRunResponse:
        """``POST /v1/agents/{agentId}/runs``: start the deployed version (202)."""
        return await self._json(
            StartRunResponse,
            "POST",
            f"/v1/agents/{segment(agent_id, 'agent id')}/runs",
            json={"input": dict(input or {})},
        )

    async def list_sessions(
        self,
        agent_id: str,
        *,
        skip: int | None = None,
        take: int | None = None,
        version_id: str | None = None,
        status: str | None = None,
    ) -> SessionList:
        return await self._json(
            SessionList,
            "GET",
            f"/v1/agents/{segment(agent_id, 'agent id')}/sessions",
            params={"skip": skip, "take": take, "versionId": version_id, "status": status},
        )

    # --- runs ------------------------------------------------------------------------------

    async def get_run(self, run_id: str) -> RunInfo:
        return await self._json(RunInfo, "GET", f"/v1/runs/{segment(run_id, 'run id')}")

    async def get_conversation(
        self, run_id: str, *, step_content: Literal["slim", "full"] = "full"
    ) -> Conversation:
        return await self._json(
            Conversation,
            "GET",
            f"/v1/runs/{segment(run_id, 'run id')}/conversation",
            params={"stepContent": step_content},
        )

    async def load_conversation(self, run_id: str) -> Snapshot:
        """The full conversation to hold and show: its steps kept compact (``StepRecord``s
        over the body's bytes, models on demand) when the body reads cleanly, else as models
        through the tolerant path. A fraction of the memory of ``get_conversation``."""
        path = f"/v1/runs/{segment(run_id, 'run id')}/conversation"
        body = await self._request("GET", path, params={"stepContent": "full"})
        if body:
            with collector_paused(self.manage_gc and len(body) >= LARGE):
                compact = parse_conversation(body)
            if compact is not None:
                return compact
        return self._parse(Conversation, body, "GET", path)

    async def send_message(
        self, body: MessageBody, *, path: Literal["messages", "input"] = "messages"
    ) -> Accepted:
        """``POST /v1/runs/{runId}/messages`` (or ``/input``), to the body's own ``runId``."""
        return await self._json(
            Accepted,
            "POST",
            f"/v1/runs/{segment(body.run_id, 'run id')}/{path}",
            json=body.to_wire(),
        )

    async def send_text(
        self, run_id: str, text: str, files: list[FileRef] | None = None
    ) -> Accepted:
        return await self.send_message(
            MessageBody(run_id=run_id, text=text or None, files=files or None)
        )

    async def skip_agent_wait(self, run_id: str) -> Accepted:
        """End a ``phrony_wait`` timer now. Sent with no body and no Content-Type."""
        return await self._json(
            Accepted, "POST", f"/v1/runs/{segment(run_id, 'run id')}/skip-agent-wait"
        )

    @asynccontextmanager
    async def stream(
        self, run_id: str, *, last_event_id: str | None = None
    ) -> AsyncIterator[EventStream]:
        """Open the live stream. Opening fails with the typed HTTP error (401, 404, 429…);
        iterating yields events, heartbeats and malformed events until the stream ends."""
        path = f"/v1/runs/{segment(run_id, 'run id')}/stream"
        headers = self._headers(False)
        headers["Accept"] = "text/event-stream"
        if last_event_id and header_safe(last_event_id):
            headers["Last-Event-ID"] = last_event_id  # else resumed without it: ids are ASCII
        timeout = httpx.Timeout(self.stream_read_timeout, connect=10.0)
        with self._guard("GET", path):
            request = self._http.build_request(
                "GET", self.base_url + path, headers=headers, timeout=timeout
            )
            response = await self._http.send(request, stream=True)
        try:
            if not response.is_success:
                with self._guard("GET", path):
                    raise await answer_error(response, "GET", path, self.config.api_key)
            media_type = response.headers.get("Content-Type", "").partition(";")[0].strip()
            if media_type.lower() != "text/event-stream":
                raise StreamProtocolError(
                    f"GET {path} answered {response.status_code} with "
                    f"{media_type[:80] or 'no Content-Type'}, not an event stream"
                )
            yield EventStream(response, SSEParser(self.max_event_bytes))
        finally:
            await response.aclose()

    # --- file library ----------------------------------------------------------------------

    async def presign(
        self, filename: str, media_type: str, max_content_length: int
    ) -> PresignResponse:
        return await self._json(
            PresignResponse,
            "POST",
            "/v1/file-library/presign",
            json={
                "filename": filename,
                "mediaType": media_type,
                "maxContentLength": max_content_length,
            },
        )

    async def put_upload(
        self,
        presigned: PresignResponse,
        data: bytes,
        *,
        progress: ProgressCallback | None = None,
    ) -> None:
        """PUT the bytes to ``uploadUrl`` with exactly ``requiredHeaders``, never the API key.
        A presign answer that cannot be sent as it is raises ``ResponseError``."""
        check_upload_target(presigned)
        headers = dict(presigned.required_headers)
        headers["Content-Length"] = str(len(data))
        path = "PUT <uploadUrl>"
        with self._guard("PUT", path, target="the upload server"):
            request = self._http.build_request(
                presigned.http_method or "PUT",
                presigned.upload_url,
                content=chunks(data, progress),
                headers=headers,
            )
            response = await self._http.send(request, auth=None, stream=True)
            if not response.is_success:
                raise await answer_error(response, "PUT", path, self.config.api_key)
            await response.aclose()

    async def finalize(
        self,
        object_key: str,
        max_content_length: int,
        *,
        filename: str | None = None,
        media_type: str | None = None,
    ) -> FinalizeResponse:
        body: dict[str, Any] = {"objectKey": object_key, "maxContentLength": max_content_length}
        if filename is not None:
            body["filename"] = filename
        if media_type is not None:
            body["mediaType"] = media_type
        return await self._json(FinalizeResponse, "POST", "/v1/file-library/finalize", json=body)

    async def upload_file(
        self,
        path: str | os.PathLike[str],
        *,
        media_type: str | None = None,
        progress: ProgressCallback | None = None,
    ) -> FileRef:
        """Presign, PUT and finalize one file; returns the reference for a message's ``files``."""
        file = Path(path)
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise PhronyError(f"cannot read {file}: {exc.strerror or exc}") from None
        if not data:
            raise PhronyError(f"{file.name} is empty; there is nothing to upload")
        mtype = media_type or mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        size = len(data)
        presigned = await self.presign(file.name, mtype, size)
        await self.put_upload(presigned, data, progress=progress)
        done = await self.finalize(presigned.object_key, size, filename=file.name, media_type=mtype)
        return FileRef(object_key=done.object_key, filename=file.name, media_type=mtype)
