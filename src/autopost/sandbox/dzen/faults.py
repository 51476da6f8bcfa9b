"""Дзен's own fault kinds, queued in the shared FaultBook under platform ``"dzen"``.

The ``method`` of a Дзен fault names the endpoint: ``validate-video``, ``add-publication``,
``start-upload-video``, ``finish-upload-video``, ``publication`` (the GET a client polls),
``update-publication-content-and-publish``, ``stats2``, ``profile.editor`` (Studio's page),
``launcher.export``, ``tus.head``, ``tus.patch``, ``tus.options`` (``"*"`` any).

Besides the generic kinds (``sandbox.faults``):

- ``csrf_error``: 400 ``{"errors":[{"type":"invalid-csrf-token-error"}]}``;
- ``auth_error``: 401 ``auth-error`` (like the generic ``unauthorized``); Studio's page redirects
  to the login page instead;
- ``forbidden``: 403 ``forbidden``.

``drop_connection`` takes ``after_bytes``: on ``tus.patch`` the bytes up to that point are kept
(the upload's offset moves by exactly that much, so a client can resume); elsewhere the request
is dropped after reading that much of the body. The generic ``http_500`` / ``http_502`` answer
an HTML error page, ``rate_limit`` a 429 ``too-many-requests`` with ``Retry-After``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from autopost.sandbox.faults import Fault, FaultKind

PLATFORM = "dzen"

DzenFaultKind = FaultKind | Literal["csrf_error", "auth_error", "forbidden"]


class DzenFault(Fault):
    kind: DzenFaultKind
    # drop_connection: bytes of the body read (and, on tus.patch, kept) before the reset;
    # null: sandbox.faults.DROP_AFTER_BYTES.
    after_bytes: int | None = Field(default=None, ge=0)
