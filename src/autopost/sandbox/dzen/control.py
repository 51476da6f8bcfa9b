"""``/_control/dzen/*``: read what Дзен received and shape the Дзен world.

Bodies and answers are JSON; errors are ``{"error": …}`` with 400 or 404 like the rest of the
control API. Session cookies and CSRF tokens are sandbox values, so they are shown.
"""

from __future__ import annotations

from dataclasses import asdict

from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from autopost.sandbox.control import ControlError, clock_and_config_routes, parse_body, sandbox_state
from autopost.sandbox.dzen.world import (
    Channel,
    DzenWorld,
    Publication,
    Session,
    Upload,
    new_csrf_token,
)

HEX24 = r"^[0-9a-f]{24}$"


class NewChannel(BaseModel):
    model_config = ConfigDict(extra="forbid")

    publisher_id: str | None = Field(default=None, pattern=HEX24)
    name: str = Field(default="Тестовый канал", min_length=1, max_length=128)
    slug: str = Field(pattern=r"^[a-z0-9_.-]{3,64}$")
    # Open a session for it right away.
    with_session: bool = True


class NewSession(BaseModel):
    model_config = ConfigDict(extra="forbid")

    publisher_ids: list[str] = Field(min_length=1)
    session_id: str | None = Field(default=None, min_length=8, max_length=256)
    csrf_token: str | None = Field(default=None, min_length=8, max_length=256)


class SessionRef(BaseModel):
    model_config = ConfigDict(extra="forbid")

    session_id: str


class Counters(BaseModel):
    model_config = ConfigDict(extra="forbid")

    views: int | None = Field(default=None, ge=0)
    likes: int | None = Field(default=None, ge=0)
    comments: int | None = Field(default=None, ge=0)
    shares: int | None = Field(default=None, ge=0)




def _world(request: Request) -> DzenWorld:
    return sandbox_state(request).dzen


def upload_json(upload: Upload) -> dict:
    return {
        "upload_id": upload.id,
        "file_name": upload.file_name,
        "file_size": upload.file_size,
        "mime_type": upload.mime_type,
        "offset": upload.offset,
        "complete": upload.complete,
        "sha256": upload.sha256,
        "patches": upload.patches,
        "interrupted": upload.interrupted,
    }


def publication_log_json(world: DzenWorld, publication: Publication) -> dict:
    now, conversion_s = world.now(), world.config.conversion_s
    upload = publication.upload
    return {
        "publication_id": publication.id,
        "publisher_id": publication.publisher_id,
        "created_at": publication.created_at,
        "upload": upload_json(upload) if upload else None,
        # The received file: set once finish-upload-video accepted it.
        "sha256": upload.sha256 if upload and publication.finished_at else None,
        "size": upload.offset if upload and publication.finished_at else None,
        "finished_at": publication.finished_at,
        "video_id": publication.video_id or None,
        "converted": publication.converted(now, conversion_s),
        "failed": publication.failed(now, conversion_s),
        "published": publication.published_at is not None,
        "published_at": publication.published_at,
        "title": publication.title,
        "snippet": publication.snippet,
        "visibility_type": publication.visibility_type,
        "comments_flag_state": publication.comments_flag_state,
        "tags": publication.tags,
        "views": publication.views,
        "likes": publication.likes,
        "comments": publication.comments,
        "shares": publication.shares,
    }


def session_json(session: Session) -> dict:
    return {
        "session_id": session.value,
        "csrf_token": session.csrf_token,
        "publisher_ids": session.publisher_ids,
        "expired": session.expired,
    }


def channel_json(channel: Channel) -> dict:
    return {"publisher_id": channel.publisher_id, "name": channel.name, "slug": channel.slug}


async def publications(request: Request) -> JSONResponse:
    """Every publication, oldest first; ``?publisher_id=`` narrows it to one channel."""
    world = _world(request)
    wanted = request.query_params.get("publisher_id")
    found = [p for p in world.publications.values() if wanted in (None, p.publisher_id)]
    return JSONResponse({"publications": [publication_log_json(world, p) for p in found]})


async def validations(request: Request) -> JSONResponse:
    return JSONResponse({"validations": [asdict(v) for v in _world(request).validations]})


async def set_counters(request: Request) -> JSONResponse:
    """``views`` (stats2's ``typeSpecificViews``), ``likes``, ``comments``, ``shares``."""
    world = _world(request)
    publication = world.publications.get(request.path_params["publication_id"])
    if publication is None:
        raise ControlError("no such publication", status=404)
    for name, value in (await parse_body(request, Counters)).model_dump(exclude_none=True).items():
        setattr(publication, name, value)
    return JSONResponse(publication_log_json(world, publication))


async def world_summary(request: Request) -> JSONResponse:
    world = _world(request)
    return JSONResponse(
        {
            "channels": [channel_json(c) for c in world.channels.values()],
            "sessions": [session_json(s) for s in world.sessions.values()],
        }
    )


async def create_channel(request: Request) -> JSONResponse:
    new = await parse_body(request, NewChannel)
    world = _world(request)
    if new.publisher_id is not None and new.publisher_id in world.channels:
        raise ControlError(f"publisher id {new.publisher_id} is taken")
    if world.find_channel(new.slug) is not None:
        raise ControlError(f"slug {new.slug} is taken")
    channel = world.add_channel(new.name, new.slug, new.publisher_id)
    answer = channel_json(channel)
    if new.with_session:
        answer["session"] = session_json(world.open_session([channel.publisher_id]))
    return JSONResponse(answer, status_code=201)


async def create_session(request: Request) -> JSONResponse:
    new = await parse_body(request, NewSession)
    world = _world(request)
    for publisher_id in new.publisher_ids:
        if publisher_id not in world.channels:
            raise ControlError(f"unknown channel {publisher_id}")
    if new.session_id is not None and new.session_id in world.sessions:
        raise ControlError("this session id is taken")
    session = world.open_session(new.publisher_ids, new.session_id, new.csrf_token)
    return JSONResponse(session_json(session), status_code=201)


async def _session(request: Request) -> Session:
    session = _world(request).sessions.get((await parse_body(request, SessionRef)).session_id)
    if session is None:
        raise ControlError("no such session", status=404)
    return session


async def expire_session(request: Request) -> JSONResponse:
    """The session ends: API calls answer auth-error, Studio redirects to sign-in."""
    session = await _session(request)
    session.expired = True
    return JSONResponse(session_json(session))


async def rotate_csrf(request: Request) -> JSONResponse:
    """A new CSRF token for the session (Studio's page shows it); the old one is refused."""
    session = await _session(request)
    session.csrf_token = new_csrf_token(_world(request).now())
    return JSONResponse(session_json(session))




def routes() -> list[BaseRoute]:
    return [
        Route("/publications", publications, methods=["GET"]),
        Route("/publications/{publication_id}/counters", set_counters, methods=["POST"]),
        Route("/validations", validations, methods=["GET"]),
        Route("/world", world_summary, methods=["GET"]),
        Route("/channels", create_channel, methods=["POST"]),
        Route("/sessions", create_session, methods=["POST"]),
        Route("/sessions/expire", expire_session, methods=["POST"]),
        Route("/sessions/rotate_csrf", rotate_csrf, methods=["POST"]),
        *clock_and_config_routes(_world),
    ]
