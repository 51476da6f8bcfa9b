"""``autopost sandbox``: the platform emulators alone, on the port of AUTOPOST_SANDBOX_URL."""

from urllib.parse import urlsplit

import uvicorn
from django.conf import settings
from django.core.management.base import BaseCommand

from autopost.sandbox import demo
from autopost.sandbox.server import create_app
from autopost.sandbox.state import SandboxState


class Command(BaseCommand):
    # The emulator holds no autopost secrets: it must start without PLATFORM_TOKEN_SECRET.
    requires_system_checks: list = []
    help = (
        "Runs the platform emulators (Telegram, VK, Rutube, Дзен) with their control API and "
        "demo page."
    )

    def add_arguments(self, parser):
        url = urlsplit(settings.SANDBOX_URL)
        parser.add_argument("--host", default=url.hostname or "127.0.0.1")
        parser.add_argument("--port", type=int, default=url.port or 8001)

    def handle(self, *args, host: str, port: int, **options):
        state = SandboxState.from_env()
        base = f"http://{host}:{port}"
        world = state.telegram
        self.stdout.write(
            "\n".join(
                [
                    f"autopost sandbox on {base}/  (demo page; control API under {base}/_control)",
                    f"  Telegram Bot API: {base}/telegram  (mode: {world.config.mode})",
                    f"    bot @{demo.TELEGRAM_BOT_USERNAME}  token {demo.TELEGRAM_BOT_TOKEN}",
                    f"    revoked token {demo.TELEGRAM_REVOKED_BOT_TOKEN}",
                    f"    {demo.TELEGRAM_CHANNEL} ({demo.TELEGRAM_CHANNEL_ID}): bot is an admin",
                    f"    {demo.TELEGRAM_NOT_MEMBER_CHANNEL}: bot is not a member",
                    f"    {demo.TELEGRAM_READONLY_CHANNEL}: bot is a member without admin rights",
                    f"    private channel {demo.TELEGRAM_PRIVATE_CHANNEL_ID}: bot is an admin",
                    f"  Rutube API: {base}/rutube  (userid {demo.RUTUBE_USERID})",
                    f"    login {demo.RUTUBE_EMAIL}  password {demo.RUTUBE_PASSWORD}",
                    f"    token {demo.RUTUBE_TOKEN}",
                    f"  Дзен: {base}/dzen  (Studio {base}/dzen/profile/editor)",
                    f"    channel {demo.DZEN_CHANNEL_NAME} publisherId {demo.DZEN_PUBLISHER_ID}",
                    f"    cookie Session_id={demo.DZEN_SESSION_ID}",
                    f"    X-Csrf-Token {demo.DZEN_CSRF_TOKEN}",
                    "",
                ]
            )
        )
        # One worker: the sandbox's state lives in this process's memory.
        uvicorn.run(
            create_app(state),
            host=host,
            port=port,
            workers=1,
            log_level="info",
            server_header=False,
            timeout_graceful_shutdown=5,
        )
