"""Plain helpers of the VK sandbox tests: API calls, uploads, PKCE."""

from __future__ import annotations

import base64
import hashlib
import secrets

import httpx

from autopost.sandbox import demo

API_VERSION = "5.199"
CALLBACK = "http://127.0.0.1:8000/oauth/vk/callback"


def call(
    http: httpx.Client,
    api_url: str,
    method: str,
    *,
    token: str | None = demo.VK_USER_TOKEN,
    v: str | None = API_VERSION,
    **params: object,
) -> dict:
    """POST ``<api_url>/method/<method>`` as a form; returns the JSON (VK answers 200 always)."""
    data = {name: str(value) for name, value in params.items()}
    if token is not None:
        data["access_token"] = token
    if v is not None:
        data["v"] = v
    response = http.post(f"{api_url}/method/{method}", data=data)
    assert response.status_code == 200, response.text
    return response.json()


def result(answer: dict):
    assert "error" not in answer, answer
    return answer["response"]


def error_of(answer: dict) -> tuple[int, str]:
    assert set(answer) == {"error"}, answer
    return answer["error"]["error_code"], answer["error"]["error_msg"]


def upload(
    http: httpx.Client,
    upload_url: str,
    content: bytes,
    *,
    part: str = "video_file",
    filename: str = "clip.mp4",
) -> httpx.Response:
    return http.post(upload_url, files={part: (filename, content, "video/mp4")})


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def pkce() -> tuple[str, str]:
    """A code_verifier and its s256 code_challenge, as VK ID's SDK makes them."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).decode().rstrip("=")
