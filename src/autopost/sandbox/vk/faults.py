"""VK's own fault kinds, queued in the shared FaultBook under platform ``"vk"``.

The ``method`` of a VK fault is what the request is: an API method name (``video.save``,
``shortVideo.publish``; ``"*"`` any), ``"upload"`` for both upload endpoints, or an OAuth
endpoint as its path below the sandbox root (``vk-id/authorize``, ``vk-id/oauth2/auth``,
``vk-id/oauth2/user_info``, ``vk-id/oauth2/logout``, ``vk-id/oauth2/revoke``,
``vk-oauth/authorize``, ``vk-oauth/access_token``).

Besides the generic kinds (``sandbox.faults``), VK has three:

- ``api_error``: the API answers error ``error_code`` (6, 9, 10, 14 with a captcha, 29, 100, 1,
  or any other) as VK does, HTTP 200;
- ``upload_error``: the upload server answers its non-API JSON
  ``{"error", "error_code", "error_descr"}`` (platform-apis.md §2.3);
- ``oauth_error``: an OAuth endpoint answers ``{"error": oauth_error, "error_description"}``.

The generic ones on VK: ``http_500`` / ``http_502`` answer that HTTP status on any endpoint;
``rate_limit`` is API error 6 (HTTP 429 elsewhere); ``unauthorized`` is API error 5 (HTTP 401
elsewhere); ``drop_connection``, ``slow_upload`` and ``delay`` act on the transport.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from autopost.sandbox.faults import Fault, FaultKind

PLATFORM = "vk"

VkFaultKind = FaultKind | Literal["api_error", "upload_error", "oauth_error"]


class VkFault(Fault):
    kind: VkFaultKind
    # api_error: the VK error code; upload_error: the error_code of the upload server's JSON.
    error_code: int = Field(default=1, ge=1)
    # oauth_error: the OAuth error string.
    oauth_error: str = Field(default="server_error", min_length=1, max_length=64)
