"""The sandbox as one ASGI app: each platform's API under its prefix, the control API, a demo page.

Adding a platform means adding its module and two lines here: its API mount and its control
mount (and its world in ``state.py``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.routing import Mount, Route

from autopost.sandbox import control, page
from autopost.sandbox.dzen import api as dzen_api
from autopost.sandbox.dzen import control as dzen_control
from autopost.sandbox.dzen import public as dzen_public
from autopost.sandbox.rutube import api as rutube_api
from autopost.sandbox.rutube import control as rutube_control
from autopost.sandbox.rutube import public as rutube_public
from autopost.sandbox.state import SandboxState
from autopost.sandbox.telegram import api as telegram_api
from autopost.sandbox.telegram import control as telegram_control
from autopost.sandbox.telegram import public as telegram_public
from autopost.sandbox.vk import api as vk_api
from autopost.sandbox.vk import control as vk_control
from autopost.sandbox.vk import legacy as vk_legacy
from autopost.sandbox.vk import public as vk_public
from autopost.sandbox.vk import vkid


def create_app(state: SandboxState | None = None) -> Starlette:
    state = state or SandboxState.from_env()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        state.close()

    app = Starlette(
        routes=[
            Route("/", page.demo_page, methods=["GET"]),
            Mount(
                "/_control",
                routes=[
                    *control.routes(),
                    Mount("/telegram", routes=telegram_control.routes()),
                    Mount("/vk", routes=vk_control.routes()),
                    Mount("/rutube", routes=rutube_control.routes()),
                    Mount("/dzen", routes=dzen_control.routes()),
                ],
            ),
            Mount("/telegram", routes=[Route("/{path:path}", telegram_api.BotApi())]),
            # VK is three hosts: the API with its upload server, VK ID, and legacy oauth.vk.com.
            Mount("/vk", routes=vk_api.routes()),
            Mount("/vk-id", routes=vkid.routes()),
            Mount("/vk-oauth", routes=vk_legacy.routes()),
            Mount("/rutube", routes=[*rutube_api.routes(), *rutube_public.routes()]),
            # Дзен is dzen.ru and the sign-in page its Studio redirects to without a session.
            Mount("/dzen", routes=[*dzen_api.routes(), *dzen_public.routes()]),
            Mount("/dzen-passport", routes=dzen_api.passport_routes()),
            # The public sites post links open (vk.com, t.me; Rutube's and Дзен's are above).
            Mount("/vk-web", routes=vk_public.routes()),
            Mount("/telegram-web", routes=telegram_public.routes()),
        ],
        exception_handlers={control.ControlError: control.control_error},
        lifespan=lifespan,
    )
    app.state.sandbox = state
    return app
