"""The control API under ``/_control``: what tests and the demo page use to steer the sandbox.

Platform-independent endpoints live here; each platform adds its own under
``/_control/<platform>/`` (see ``server.py``). Bodies are JSON; errors are
``{"error": "<message>"}`` with status 400 or 404.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from autopost.sandbox.dzen.faults import DzenFault
from autopost.sandbox.faults import Fault
from autopost.sandbox.state import SandboxState
from autopost.sandbox.vk.faults import VkFault

# Fault models of platforms with kinds beyond the generic ones.
FAULT_MODELS: dict[str | None, type[Fault]] = {"vk": VkFault, "dzen": DzenFault}

Model = TypeVar("Model", bound=BaseModel)


class ControlError(Exception):
    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def sandbox_state(request: Request) -> SandboxState:
    return request.app.state.sandbox


def validation_message(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(part) for part in error['loc']) or 'body'}: {error['msg']}"
        for error in exc.errors()
    )


async def parse_body(request: Request, model: type[Model]) -> Model:
    try:
        return model.model_validate_json(await request.body() or b"{}")
    except ValidationError as exc:
        raise ControlError(validation_message(exc)) from exc


def updated_config(current: Model, raw: bytes) -> Model:
    """``current`` with the fields of the JSON object ``raw`` changed, validated as a whole
    (a platform's ``PUT /_control/<platform>/config``)."""
    try:
        changes = json.loads(raw or b"{}")
    except ValueError as exc:
        raise ControlError("body: not JSON") from exc
    if not isinstance(changes, dict):
        raise ControlError("body: expected a JSON object")
    try:
        return type(current).model_validate({**current.model_dump(), **changes})
    except ValidationError as exc:
        raise ControlError(validation_message(exc)) from exc


def control_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ControlError)
    return JSONResponse({"error": str(exc)}, status_code=exc.status)


async def reset(request: Request) -> JSONResponse:
    sandbox_state(request).reset()
    return JSONResponse({"ok": True})


async def list_faults(request: Request) -> JSONResponse:
    faults = sandbox_state(request).faults.pending()
    return JSONResponse({"faults": [fault.model_dump() for fault in faults]})


async def add_fault(request: Request) -> JSONResponse:
    """A platform with fault kinds of its own (VK) validates with its own model."""
    try:
        platform = json.loads(await request.body() or b"{}").get("platform")
    except (ValueError, AttributeError):
        platform = None
    fault = await parse_body(request, FAULT_MODELS.get(platform, Fault))
    sandbox_state(request).faults.add(fault)
    return JSONResponse({"fault": fault.model_dump()}, status_code=201)


async def clear_faults(request: Request) -> JSONResponse:
    cleared = sandbox_state(request).faults.clear(request.query_params.get("platform"))
    return JSONResponse({"cleared": cleared})


def routes() -> list[BaseRoute]:
    return [
        Route("/reset", reset, methods=["POST"]),
        Route("/faults", list_faults, methods=["GET"]),
        Route("/faults", add_fault, methods=["POST"]),
        Route("/faults", clear_faults, methods=["DELETE"]),
    ]


TEN_YEARS_S = 10 * 365 * 86400


class ClockAdvance(BaseModel):
    model_config = ConfigDict(extra="forbid")

    advance_s: float = Field(gt=0, le=TEN_YEARS_S)


def clock_and_config_routes(world_of: Callable[[Request], Any]) -> list[BaseRoute]:
    """``GET``/``POST /clock`` and ``GET``/``PUT /config`` for a platform whose world has a
    ``clock`` and a pydantic ``config`` (``PUT`` changes the given fields, the rest stay)."""

    async def get_clock(request: Request) -> JSONResponse:
        return JSONResponse(world_of(request).clock.json())

    async def advance_clock(request: Request) -> JSONResponse:
        world = world_of(request)
        world.clock.advance((await parse_body(request, ClockAdvance)).advance_s)
        return JSONResponse(world.clock.json())

    async def get_config(request: Request) -> JSONResponse:
        return JSONResponse(world_of(request).config.model_dump())

    async def put_config(request: Request) -> JSONResponse:
        world = world_of(request)
        world.config = updated_config(world.config, await request.body())
        return JSONResponse(world.config.model_dump())

    return [
        Route("/clock", get_clock, methods=["GET"]),
        Route("/clock", advance_clock, methods=["POST"]),
        Route("/config", get_config, methods=["GET"]),
        Route("/config", put_config, methods=["PUT"]),
    ]
