"""The one place that builds HTTP clients for platforms and translates httpx failures.

Every provider gets its ``httpx.Client`` from :func:`build_client` (explicit timeouts, a
User-Agent, a logging hook that never writes a secret) and wraps its calls in
:func:`translate_errors`, which turns transport failures into ``TransientError`` without the URL
(a Telegram URL carries the bot token).
"""

from __future__ import annotations

import re
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx
import structlog
from django.conf import settings

from autopost.platforms.errors import TransientError

log = structlog.get_logger("autopost.platforms.http")

USER_AGENT = "autopost/0.1 (+https://github.com/autopost)"
SECRET_QUERY_KEYS = frozenset(
    {"access_token", "refresh_token", "token", "code", "code_verifier", "client_secret", "password", "sig"}
)
_BOT_TOKEN_IN_PATH = re.compile(r"/bot[^/]+")


def redact_url(url: str | httpx.URL) -> str:
    """The URL with bot tokens in the path and secret query values replaced by ``***``."""
    parts = urlsplit(str(url))
    path = _BOT_TOKEN_IN_PATH.sub("/bot***", parts.path)
    query = urlencode(
        [(k, "***" if k.lower() in SECRET_QUERY_KEYS else v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    )
    return urlunsplit((parts.scheme, parts.netloc, path, query, ""))


def _log_response(response: httpx.Response) -> None:
    request = response.request
    log.debug(
        "platform_http",
        method=request.method,
        url=redact_url(request.url),
        status=response.status_code,
    )


@lru_cache(maxsize=1)
def _ssl_context() -> ssl.SSLContext:
    """One verifying SSL context per process: loading the CA bundle for every client cost a
    third of the worker's CPU per publication (docs/benchmarks.md)."""
    return httpx.create_ssl_context()


def build_client(
    base_url: str,
    *,
    read_timeout: float | None = None,
    headers: dict[str, str] | None = None,
    transport: httpx.BaseTransport | None = None,
) -> httpx.Client:
    """An ``httpx.Client`` for one provider; ``transport`` is for tests (``httpx.MockTransport``)."""
    timeout = httpx.Timeout(
        connect=settings.HTTP_CONNECT_TIMEOUT,
        read=read_timeout or settings.HTTP_READ_TIMEOUT,
        write=settings.HTTP_WRITE_TIMEOUT,
        pool=settings.HTTP_CONNECT_TIMEOUT,
    )
    return httpx.Client(
        base_url=base_url,
        timeout=timeout,
        headers={"User-Agent": USER_AGENT, **(headers or {})},
        event_hooks={"response": [_log_response]},
        follow_redirects=False,
        transport=transport,
        verify=_ssl_context(),
    )


@contextmanager
def translate_errors(platform_label: str) -> Iterator[None]:
    """Turn httpx transport errors into ``TransientError`` (most specific message first)."""
    try:
        yield
    except httpx.TimeoutException:
        raise TransientError(f"{platform_label} не ответил вовремя", code="platform_timeout") from None
    except (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError):
        raise TransientError(
            f"Соединение с {platform_label} прервалось", code="platform_connection_error"
        ) from None
    except httpx.TransportError:
        raise TransientError(f"Ошибка сети при обращении к {platform_label}", code="platform_network_error") from None
    except httpx.HTTPError:
        # Undecodable bodies, redirect loops: never let an httpx exception (with its URL) escape.
        raise TransientError(f"Ошибка сети при обращении к {platform_label}", code="platform_http_error") from None
