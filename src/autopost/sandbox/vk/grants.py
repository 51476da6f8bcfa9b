"""What both OAuth hosts share: redirect URI rules, redirects, PKCE, scopes, error answers."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
from html import escape
from urllib.parse import urlencode, urlsplit, urlunsplit

from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from autopost.sandbox.vk.endpoint import http_error_page
from autopost.sandbox.vk.faults import VkFault
from autopost.sandbox.vk.world import App

# RFC 7636: 43–128 characters; VK ID allows this subset (§1.1).
VERIFIER = re.compile(r"^[A-Za-z0-9_-]{43,128}$")
# base64url of a SHA-256 without padding is always 43 characters.
CHALLENGE = re.compile(r"^[A-Za-z0-9_-]{43}$")
# Scopes in the order VK ID lists them; others follow alphabetically.
SCOPE_ORDER = ("vkid.personal_info", "email", "phone", "video", "wall", "groups", "offline")


class OAuthPageError(Exception):
    """An authorize request that cannot be sent back to the app (unknown app or redirect_uri):
    the person sees an error page instead (RFC 6749 §4.1.2.1)."""


def redirect_allowed(app: App, uri: str) -> bool:
    """Exact match with one of the app's URIs, where ``*`` in a registered URI stands for a
    port number: ``http://127.0.0.1:*/oauth/vk/callback`` takes any port, nothing else varies
    (no extra path, query or fragment)."""
    for registered in app.redirect_uris:
        pattern = r"\d{1,5}".join(re.escape(part) for part in registered.split("*"))
        if re.fullmatch(pattern, uri):
            return True
    return False


def redirect_to(uri: str, params: dict[str, str], *, fragment: bool = False) -> RedirectResponse:
    """302 to ``uri`` with ``params`` added to its query (or put in the fragment)."""
    parts = urlsplit(uri)
    encoded = urlencode(params)
    if fragment:
        parts = parts._replace(fragment=encoded)
    else:
        parts = parts._replace(query=f"{parts.query}&{encoded}" if parts.query else encoded)
    return RedirectResponse(urlunsplit(parts), status_code=302)


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def scope_string(scopes: frozenset[str], separator: str = " ") -> str:
    known = [name for name in SCOPE_ORDER if name in scopes]
    return separator.join(known + sorted(scopes - set(SCOPE_ORDER)))


def oauth_error(error: str, description: str, status: int = 400, **extra: str) -> JSONResponse:
    return JSONResponse(
        {"error": error, "error_description": description, **extra}, status_code=status
    )


def id_token(client_id: str, user_id: int, issued_at: float, expires_at: float) -> str:
    """A JWT-shaped ID token. Its signature is random bytes: nobody can verify it (the sandbox
    publishes no keys), so a client that checks it must skip that against the sandbox."""

    def part(data: dict | bytes) -> str:
        raw = data if isinstance(data, bytes) else json.dumps(data, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")

    header = {"alg": "RS256", "typ": "JWT", "kid": "sandbox"}
    claims = {
        "iss": "VK",
        "sub": str(user_id),
        "app": int(client_id) if client_id.isdigit() else client_id,
        "iat": int(issued_at),
        "exp": int(expires_at),
        "jti": secrets.token_hex(8),
    }
    return ".".join((part(header), part(claims), part(secrets.token_bytes(64))))


def error_page(message: str) -> HTMLResponse:
    return HTMLResponse(
        '<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>Ошибка</title>'
        f"</head><body><h1>Ошибка авторизации</h1><p>{escape(message)}</p></body></html>",
        status_code=400,
    )


def fault_answer(fault: VkFault, **extra: str) -> Response:
    """How an OAuth endpoint answers an injected fault."""
    if fault.kind in ("http_500", "http_502"):
        return http_error_page(int(fault.kind[-3:]))
    if fault.kind == "oauth_error":
        return oauth_error(fault.oauth_error, "injected by the sandbox", **extra)
    if fault.kind == "rate_limit":
        return oauth_error("too_many_requests", "too many requests", 429, **extra)
    if fault.kind == "unauthorized":
        return oauth_error("invalid_client", "client is not allowed", 401, **extra)
    return oauth_error("server_error", "internal error", 500, **extra)
