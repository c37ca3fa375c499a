"""Models stay tolerant of what the real service may send; config and errors keep the key secret."""

from __future__ import annotations

import pytest

from phrony_tui.api import (
    ApiKey,
    ClientConfig,
    Conversation,
    MessageBody,
    PhronyClient,
    RunInfo,
    TimelineItem,
    UserTaskContent,
)
from phrony_tui.api.errors import (
    APIStatusError,
    AuthenticationError,
    ConfigError,
    ConflictError,
    RateLimitError,
    ServerError,
    error_message,
    status_error,
)
from phrony_tui.api.models import FileRef, is_terminal, is_waiting, same_type

KEY = "phk_very_secret_value_123"


def test_unknown_fields_are_kept_and_unknown_values_accepted() -> None:
    conv = Conversation.model_validate(
        {
            "session": {"id": "s", "status": "Hibernating", "brandNew": {"x": 1}},
            "runs": [{"id": "r", "status": "WaitingForSomethingNew", "depth": 0, "extra": 1}],
            "items": [
                {"id": "i", "runId": "r", "ordinal": 1, "type": "QuantumLeap", "content": [1, 2]},
                {"id": "j", "runId": "r", "ordinal": 2, "type": "Reasoning", "content": None},
            ],
            "cursor": "abc",
        }
    )
    assert conv.session.model_extra == {"brandNew": {"x": 1}}
    assert conv.model_extra == {"cursor": "abc"}
    assert conv.runs[0].status == "WaitingForSomethingNew"
    assert is_waiting(conv.runs[0].status) and not is_terminal(conv.runs[0].status)
    assert conv.items[0].type == "QuantumLeap" and conv.items[0].content == [1, 2]
    assert conv.items[1].is_type("reasoning") and same_type("REASONING", "reasoning")


def test_missing_optional_fields_and_numbers_as_floats() -> None:
    item = TimelineItem.model_validate({"id": "i", "runId": "r"})
    assert item.content is None and item.started_at is None and item.ordinal == 0
    info = RunInfo.model_validate({"runId": "r", "status": "Completed", "output": None})
    assert info.session_id is None
    task = UserTaskContent.model_validate({"user_task_id": "t", "kind": "mystery", "x": 1})
    assert task.api_completable and task.status == "Pending" and task.model_extra == {"x": 1}


def test_message_body_wire_shape() -> None:
    body = MessageBody(
        run_id="r", text="hi", files=[FileRef(object_key="tenants/t/files/a.pdf", filename="a.pdf")]
    )
    assert body.to_wire() == {
        "runId": "r",
        "text": "hi",
        "files": [{"phronyFile": True, "objectKey": "tenants/t/files/a.pdf", "filename": "a.pdf"}],
    }
    assert MessageBody(run_id="r", user_task_id="t", approved=False).to_wire() == {
        "runId": "r",
        "userTaskId": "t",
        "approved": False,
    }


def test_config_from_environment_and_explicit_wins() -> None:
    env = {"PHRONY_API_BASE": "https://env.example.com//", "PHRONY_API_KEY": "phk_env"}
    cfg = ClientConfig.resolve(environ=env)
    assert cfg.base_url == "https://env.example.com"
    assert cfg.api_key.reveal() == "phk_env"
    cfg = ClientConfig.resolve("https://explicit.example.com/", "phk_arg", environ=env)
    assert (cfg.base_url, cfg.api_key.reveal()) == ("https://explicit.example.com", "phk_arg")
    assert ClientConfig.resolve(api_key="k", environ={}).base_url == "https://api.phrony.com"


@pytest.mark.parametrize("url", ["ftp://x", "not a url", "https://", "https://h/?q=1"])
def test_bad_base_urls(url: str) -> None:
    with pytest.raises(ConfigError):
        ClientConfig.resolve(url, KEY, environ={})


def test_missing_key_is_a_clear_error() -> None:
    with pytest.raises(ConfigError, match="PHRONY_API_KEY"):
        ClientConfig.resolve("https://api.phrony.com", environ={})


@pytest.mark.parametrize("key", ["phk_a\nb", "phk_a b", "phk_…", "phk_\x1b[2J"])
def test_keys_that_cannot_travel_in_a_header_are_refused(key: str) -> None:
    with pytest.raises(ConfigError) as err:
        ClientConfig.resolve("https://api.phrony.com", key, environ={})
    assert key not in str(err.value)


def test_plain_http_only_to_loopback_unless_allowed() -> None:
    for ok in ("http://127.0.0.1:8765", "http://localhost:1", "http://[::1]:80"):
        ClientConfig.resolve(ok, KEY, environ={})
    with pytest.raises(ConfigError, match="allow-insecure-http"):
        ClientConfig.resolve("http://api.example.com", KEY, environ={})
    ClientConfig.resolve("http://api.example.com", KEY, environ={}, allow_insecure_http=True)


async def test_key_never_in_repr_or_str() -> None:
    key = ApiKey(KEY)
    assert KEY not in repr(key) and KEY not in str(key) and KEY not in f"{key}"
    cfg = ClientConfig.resolve("https://api.phrony.com", KEY, environ={})
    assert KEY not in repr(cfg)
    async with PhronyClient("https://api.phrony.com", KEY) as client:
        assert KEY not in repr(client) and KEY not in str(client.config)


@pytest.mark.parametrize(
    ("body", "message", "code"),
    [
        ('{"error": "bad thing", "code": "bad_thing"}', "bad thing", "bad_thing"),
        ('{"message": "from message"}', "from message", None),
        ('{"detail": "from detail"}', "from detail", None),
        ('{"detail": [{"loc": ["x"]}]}', '[{"loc": ["x"]}]', None),
        ("<html>Bad Gateway</html>", "<html>Bad Gateway</html>", None),
        ("", "", None),
        ("[1,2", "[1,2", None),
    ],
)
def test_error_message_from_any_body(body: str, message: str, code: str | None) -> None:
    assert error_message(body) == (message, code)


def test_status_errors_are_typed() -> None:
    err = status_error(429, "POST", "/v1/runs/r/messages", '{"error": "slow down"}', "3")
    assert isinstance(err, RateLimitError) and err.retry_after == 3.0
    assert "429" in str(err) and "POST /v1/runs/r/messages" in str(err) and "slow down" in str(err)
    assert isinstance(status_error(503, "GET", "/x", "", "2"), ServerError)
    assert isinstance(status_error(401, "GET", "/x", "", None), AuthenticationError)
    assert isinstance(status_error(409, "GET", "/x", "", None), ConflictError)
    odd = status_error(418, "GET", "/x", "teapot", None)
    assert type(odd) is APIStatusError and odd.message == "teapot"
    assert "redirect" in status_error(302, "GET", "/x", "", None).message


def test_typed_content_coerces_keeps_extras_and_gives_up_gracefully() -> None:
    from phrony_tui.api.models import ReasoningContent, TimelineItem, ToolResultContent

    def item(kind: str, content: object) -> TimelineItem:
        return TimelineItem(id="i", run_id="r", type=kind, content=content)

    reasoning = item("Reasoning", {"message": 42, "preview": "p", "step_kind": "reasoning"})
    typed = reasoning.typed_content()
    assert isinstance(typed, ReasoningContent) and typed.message == "42"
    assert typed.model_extra == {"step_kind": "reasoning"}
    result = item("ToolResult", {"tool_call_id": "c", "result": {"data": [1], "successful": True}})
    typed_result = result.typed_content()
    assert isinstance(typed_result, ToolResultContent) and typed_result.result is not None
    assert typed_result.result.data == [1] and typed_result.result.successful is True
    assert item("BrandNewType", {"x": 1}).typed_content() is None
    assert item("reasoning", "a bare string").typed_content() is None
    deep: object = "bottom"
    for _ in range(2000):
        deep = [deep]
    # Too deep to copy or validate: no crash; either read right or not read at all.
    typed_deep = item("ToolCall", {"name": "t", "arguments": deep}).typed_content()
    assert typed_deep is None or getattr(typed_deep, "name", None) == "t"
