"""Дзен over HTTP under ``/dzen`` (``https://dzen.ru``) and ``/dzen-passport`` (its sign-in page),
platform-apis.md §5, §7.

Every private API call goes through ``answer``: its queued fault, then the session and CSRF
checks (``calls.authenticate``), then the handler. The fault method of each endpoint is the
second argument of ``api`` / ``Endpoint`` below (see ``faults``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from autopost.sandbox.dzen import editor, media, pages, tus
from autopost.sandbox.dzen.calls import Call, DzenError, authenticate, fault_answer
from autopost.sandbox.dzen.faults import PLATFORM, DzenFault
from autopost.sandbox.endpoint import Endpoint, Exchange, routes_with_and_without_slash

Handler = Callable[[Call], Awaitable[Response]]

EDITOR = "/editor-api/v2"
MEDIA = "/media-api-video"


def endpoint(method: str, handler, **options) -> Endpoint:
    return Endpoint(PLATFORM, method, handler, fault_model=DzenFault, **options)


def api(method: str, handler: Handler) -> Endpoint:
    """``handler`` as the session-checked API endpoint named ``method`` in the FaultBook."""

    async def answer(exchange: Exchange) -> Response:
        try:
            if exchange.fault is not None:
                response = fault_answer(exchange.fault)
            else:
                world = exchange.state.dzen
                response = await handler(Call(exchange, world, authenticate(world, exchange)))
        except DzenError as error:
            response = error.response()
        await exchange.body.drain()
        return response

    return endpoint(method, answer)


def routes() -> list[BaseRoute]:
    publication = f"{EDITOR}/publisher/{{pid}}/publication/{{pub_id}}"
    tus_path = "/tus/{upload_id}"
    studio = endpoint("profile.editor", pages.studio)
    launcher = endpoint("launcher.export", pages.launcher_export)

    def post(path: str, method: str, handler: Handler) -> Route:
        return Route(path, api(method, handler), methods=["POST"])

    return [
        post(f"{MEDIA}/validate-video", "validate-video", media.validate_video),
        post(f"{MEDIA}/start-upload-video", "start-upload-video", media.start_upload),
        post(f"{MEDIA}/finish-upload-video", "finish-upload-video", media.finish_upload),
        post(f"{EDITOR}/add-publication", "add-publication", editor.add_publication),
        Route(publication, api("publication", editor.get_publication), methods=["GET"]),
        post(
            f"{EDITOR}/update-publication-content-and-publish",
            "update-publication-content-and-publish",
            editor.publish,
        ),
        Route(f"{EDITOR}/publisher/{{pid}}/stats2", api("stats2", editor.stats), methods=["GET"]),
        Route(tus_path, endpoint("tus.head", tus.head), methods=["HEAD"]),
        Route(tus_path, endpoint("tus.patch", tus.patch, handles_drop=True), methods=["PATCH"]),
        Route(tus_path, endpoint("tus.options", tus.options), methods=["OPTIONS"]),
        *routes_with_and_without_slash("/profile/editor", studio, ["GET"]),
        Route("/profile/editor/{rest:path}", studio, methods=["GET"]),
        Route("/api/v3/launcher/export", launcher, methods=["GET"]),
        Route("/api/v3/launcher/more", launcher, methods=["GET"]),
    ]


def passport_routes() -> list[BaseRoute]:
    return [
        Route("/auth", pages.login_page, methods=["GET"]),
        Route("/auth", pages.login, methods=["POST"]),
    ]
