"""What users paste for Дзен and what its links look like (docs/platform-apis.md §5.2, §5.3).

Pure functions, no I/O. The session arrives in one of three shapes a browser can give:

* a ``Cookie:`` request header (``Session_id=…; yandexuid=…``), from the developer tools;
* a JSON export: a list of ``{"name", "value", "domain", …}`` objects (cookie-editor
  extensions), a Playwright storage state ``{"cookies": [...]}``, or a plain ``{name: value}``
  object (the form this module stores, so a stored session parses the same way);
* a Netscape ``cookies.txt`` (tab-separated, ``#HttpOnly_`` prefixes kept).

Exports that name domains keep only the cookies a browser would send to ``dzen.ru`` (or the
configured ``DZEN_URL`` host): a whole-browser export must not hand Yandex or VK sessions to Дзен.
No error raised here carries a cookie.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from django.conf import settings

from autopost.platforms.errors import PermanentError

# The Studio's own origin, sent as Origin/Referer (§5.2). Links shown to people are built on
# settings.DZEN_WEB_URL instead, read at each call: dzen.ru, or the sandbox's pages.
PUBLIC_URL = "https://dzen.ru"
PUBLIC_HOST = "dzen.ru"
SESSION_COOKIE = "Session_id"
MAX_SESSION_CHARS = 1_000_000

CODE_BAD_SESSION_FORMAT = "dzen_bad_session_format"
CODE_NO_SESSION_COOKIE = "dzen_no_session_cookie"
CODE_INVALID_CHANNEL = "dzen_invalid_channel"
CODE_CHANNEL_ID_REQUIRED = "dzen_channel_id_required"

MSG_BAD_SESSION_FORMAT = (
    "Не удалось прочитать cookies Дзена: вставьте заголовок Cookie или экспорт cookies из браузера"
)
MSG_NO_SESSION_COOKIE = (
    "В cookies нет Session_id для dzen.ru: войдите в Дзен в браузере и скопируйте cookies заново"
)
MSG_INVALID_CHANNEL = (
    "Укажите канал Дзена: его ID (24 символа 0-9 a-f) или ссылку https://dzen.ru/id/<ID>"
)

# RFC 6265 token characters for names; values: visible ASCII without ``;`` (browsers are lenient
# about the rest, and a header value must be ASCII anyway).
_NAME_RE = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
_VALUE_RE = re.compile(r"^[\x21-\x3a\x3c-\x7e]*$")
_PUBLISHER_ID_RE = re.compile(r"^[0-9a-f]{24}$")
_ID_IN_PATH_RE = re.compile(r"/id/([0-9a-fA-F]{24})(?:/|$)")
_SLUG_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
_PUBLIC_HOSTS = frozenset({"dzen.ru", "www.dzen.ru", "zen.yandex.ru", "zen.yandex.com"})
# First path segments of dzen.ru that are pages, not channels.
_NOT_SLUGS = frozenset({"a", "b", "video", "shorts", "news", "profile", "id", "media", "api"})


def bad_format() -> PermanentError:
    return PermanentError(CODE_BAD_SESSION_FORMAT, MSG_BAD_SESSION_FORMAT)


# --- the session ------------------------------------------------------------------------------


def parse_session(text: str, *, hosts: tuple[str, ...] = (PUBLIC_HOST,)) -> dict[str, str]:
    """Cookie name → value from any of the three shapes; ``Session_id`` must be among them.

    ``hosts``: the domains whose cookies an export may contribute (``dzen.ru`` and, for the
    sandbox, the ``DZEN_URL`` host). Raises ``PermanentError`` ``dzen_bad_session_format`` or
    ``dzen_no_session_cookie``.
    """
    text = (text or "").strip().lstrip("\ufeff")
    if not text or len(text) > MAX_SESSION_CHARS:
        raise bad_format()
    if text[0] in "[{":
        cookies = _from_json(text, hosts)
    elif _looks_like_netscape(text):
        cookies = _from_netscape(text, hosts)
    else:
        cookies = _from_header(text)
    if not cookies.get(SESSION_COOKIE):
        raise PermanentError(CODE_NO_SESSION_COOKIE, MSG_NO_SESSION_COOKIE)
    return cookies


def cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def dump_session(cookies: dict[str, str]) -> str:
    """The stored secret: the cookies as a compact JSON object (``parse_session`` reads it back)."""
    return json.dumps(cookies, ensure_ascii=True, separators=(",", ":"))


def is_valid_cookie(name: str, value: str) -> bool:
    """A name and value that can go into a ``Cookie`` header as they are."""
    return bool(_NAME_RE.match(name) and _VALUE_RE.match(value))


def _checked(name: object, value: object) -> tuple[str, str]:
    if not isinstance(name, str) or not isinstance(value, str):
        raise bad_format()
    name, value = name.strip(), value.strip()
    if not is_valid_cookie(name, value):
        raise bad_format()
    return name, value


def _from_header(text: str) -> dict[str, str]:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    # A block of request headers copied from the developer tools: take its Cookie line.
    cookie_lines = [line for line in lines if line.lower().startswith("cookie:")]
    text = cookie_lines[0] if cookie_lines else "; ".join(lines)
    if text.lower().startswith("cookie:"):
        text = text[len("cookie:"):]
    cookies: dict[str, str] = {}
    for part in text.split(";"):
        part = part.strip()
        if not part:
            continue
        name, sep, value = part.partition("=")
        if not sep:
            raise bad_format()
        name, value = _checked(name, value)
        cookies[name] = value
    if not cookies:
        raise bad_format()
    return cookies


def _domain_rank(domain: str, hosts: tuple[str, ...]) -> int | None:
    """How specific a cookie's domain is for our hosts; ``None`` if no browser would send it."""
    domain = domain.strip().lstrip(".").lower()
    if not domain:
        return 0  # an export without domains: the person chose what to export
    for host in hosts:
        if host == domain or host.endswith("." + domain):
            return len(domain)
    return None


def _collect(items: list[tuple[str, str, str]], hosts: tuple[str, ...]) -> dict[str, str]:
    """(domain, name, value) → name → value, the most specific matching domain winning."""
    ranked = []
    for domain, name, value in items:
        rank = _domain_rank(domain, hosts)
        if rank is not None:
            ranked.append((rank, name, value))
    ranked.sort(key=lambda item: item[0])  # stable: later entries of one rank win
    return {name: value for _, name, value in ranked}


def _from_json(text: str, hosts: tuple[str, ...]) -> dict[str, str]:
    try:
        data = json.loads(text)
    except ValueError:  # raised outside this block: the decode error's ``doc`` is the session
        data = None
    if data is None:
        raise bad_format()
    if isinstance(data, dict) and isinstance(data.get("cookies"), list):
        data = data["cookies"]  # Playwright storage state
    if isinstance(data, dict):  # {name: value}
        if not data:
            raise bad_format()
        return dict(_checked(name, value) for name, value in data.items())
    if not isinstance(data, list) or not data:
        raise bad_format()
    items = []
    for entry in data:
        if not isinstance(entry, dict):
            raise bad_format()
        name, value = _checked(entry.get("name"), entry.get("value"))
        domain = entry.get("domain") or ""
        if not isinstance(domain, str):
            raise bad_format()
        items.append((domain, name, value))
    return _collect(items, hosts)


def _looks_like_netscape(text: str) -> bool:
    if text.startswith(("# Netscape HTTP Cookie File", "# HTTP Cookie File")):
        return True
    return any(
        line.count("\t") >= 5 for line in text.splitlines() if not _is_comment(line.strip())
    )


def _is_comment(line: str) -> bool:
    return line.startswith("#") and not line.startswith("#HttpOnly_")


def _from_netscape(text: str, hosts: tuple[str, ...]) -> dict[str, str]:
    """domain, include-subdomains, path, secure, expiry, name, value — tab-separated."""
    items = []
    for raw in text.splitlines():
        line = raw.strip("\r\n")
        if not line.strip() or _is_comment(line.strip()):
            continue
        fields = line.strip().split("\t")
        if len(fields) == 6:  # an empty value loses its trailing tab in some editors
            fields.append("")
        if len(fields) != 7:
            raise bad_format()
        domain = fields[0].removeprefix("#HttpOnly_")
        name, value = _checked(fields[5], fields[6])
        items.append((domain, name, value))
    if not items:
        raise bad_format()
    return _collect(items, hosts)


# --- the channel ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChannelRef:
    publisher_id: str


def parse_channel(text: str) -> ChannelRef:
    """A ``publisherId`` (24 hex) or a dzen.ru link holding one (``/id/<ID>``, the Studio's
    ``/profile/editor/id/<ID>/…``, ``?channel_id=<ID>``).

    A ``https://dzen.ru/<slug>`` link is refused with its own message: the protocol reference
    (§5) has no call that turns a channel's short name into its ``publisherId``.
    """
    text = (text or "").strip()
    if _PUBLISHER_ID_RE.match(text.lower()):
        return ChannelRef(text.lower())
    if text.startswith("@") and _SLUG_RE.match(text[1:]):
        raise _slug_only(text[1:])
    url = text if "://" in text else f"https://{text}"
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        raise PermanentError(CODE_INVALID_CHANNEL, MSG_INVALID_CHANNEL) from None
    if host not in _PUBLIC_HOSTS:
        raise PermanentError(CODE_INVALID_CHANNEL, MSG_INVALID_CHANNEL)
    if match := _ID_IN_PATH_RE.search(parts.path):
        return ChannelRef(match[1].lower())
    for value in parse_qs(parts.query).get("channel_id", []):
        if _PUBLISHER_ID_RE.match(value.lower()):
            return ChannelRef(value.lower())
    segments = [segment for segment in parts.path.split("/") if segment]
    if len(segments) == 1 and segments[0] not in _NOT_SLUGS and _SLUG_RE.match(segments[0]):
        raise _slug_only(segments[0])
    raise PermanentError(CODE_INVALID_CHANNEL, MSG_INVALID_CHANNEL)


def _slug_only(slug: str) -> PermanentError:
    return PermanentError(
        CODE_CHANNEL_ID_REQUIRED,
        f"По короткому адресу канала «{slug}» Дзен не сообщает его ID: откройте Студию Дзена "
        "и скопируйте ссылку вида https://dzen.ru/profile/editor/id/<ID> или сам ID (24 символа)",
    )


def channel_url(publisher_id: str) -> str:
    return f"{settings.DZEN_WEB_URL}/id/{publisher_id}"


def short_url(publication_id: str) -> str:
    return f"{settings.DZEN_WEB_URL}/shorts/{publication_id}"
