"""Where the client points and with which key: explicit arguments, then the environment."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

from .errors import ConfigError

DEFAULT_BASE_URL = "https://api.phrony.com"
ENV_BASE = "PHRONY_API_BASE"
ENV_KEY = "PHRONY_API_KEY"


class ApiKey:
    """An API key that never shows itself: ``str``, ``repr`` and f-strings give a mask."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The secret itself, for the ``X-API-Key`` header and nowhere else."""
        return self._value

    def __repr__(self) -> str:
        return "ApiKey('phk_****')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ApiKey) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


def _shown(url: str) -> str:
    """The URL quoted for an error message: escapes visible, at most 100 characters."""
    return repr(url[:100] + ("…" if len(url) > 100 else ""))


def normalize_base_url(url: str) -> str:
    """Strip whitespace and trailing slashes; require an http(s) URL with a host and a valid
    port, refused here with its reason rather than by the first request."""
    url = url.strip().rstrip("/")
    try:
        url.encode("utf-8")
    except UnicodeEncodeError:
        raise ConfigError(f"base URL holds bytes that are not UTF-8 text: {_shown(url)}") from None
    if any(ch.isspace() or not ch.isprintable() for ch in url):
        raise ConfigError(f"base URL must not contain spaces or control characters: {_shown(url)}")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises for a port out of range or not a number
        httpx.URL(url)
    except (ValueError, httpx.InvalidURL) as exc:
        raise ConfigError(f"base URL {_shown(url)} is not a valid URL ({exc})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"base URL must look like https://host[:port], got {_shown(url)}")
    if parts.query or parts.fragment:
        raise ConfigError(f"base URL must not carry a query or fragment: {_shown(url)}")
    return url


def is_loopback_host(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class ClientConfig:
    base_url: str
    api_key: ApiKey = field(repr=False)
    allow_insecure_http: bool = False

    @classmethod
    def resolve(
        cls,
        base_url: str | None = None,
        api_key: str | ApiKey | None = None,
        *,
        allow_insecure_http: bool = False,
        environ: dict[str, str] | None = None,
    ) -> ClientConfig:
        """Explicit arguments win over ``PHRONY_API_BASE`` / ``PHRONY_API_KEY``."""
        env = os.environ if environ is None else environ
        url = normalize_base_url(base_url or env.get(ENV_BASE) or DEFAULT_BASE_URL)
        raw_key = api_key if api_key is not None else env.get(ENV_KEY)
        key = raw_key if isinstance(raw_key, ApiKey) else ApiKey((raw_key or "").strip())
        if not key.reveal():
            raise ConfigError(
                f"no API key: set {ENV_KEY} (a phk_… key from Settings → API keys) "
                "or pass one explicitly"
            )
        if not all(" " < ch < "\x7f" for ch in key.reveal()):
            raise ConfigError(
                "the API key contains spaces, control or non-ASCII characters; "
                "copy it again from Settings → API keys"
            )
        parts = urlsplit(url)
        if (
            parts.scheme == "http"
            and not allow_insecure_http
            and not is_loopback_host(parts.hostname or "")
        ):
            raise ConfigError(
                f"refusing to send the API key over plain http:// to {parts.hostname}; "
                "use https, or allow it explicitly (--allow-insecure-http)"
            )
        return cls(base_url=url, api_key=key, allow_insecure_http=allow_insecure_http)
