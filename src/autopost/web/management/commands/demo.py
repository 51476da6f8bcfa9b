"""``autopost demo``: the demo user with an API token, a real sample clip, and (in sandbox mode) a
connection to each sandbox platform. Safe to run again: it refreshes, never duplicates."""

import tempfile
from contextlib import nullcontext
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.core.management.base import BaseCommand

from autopost.accounts.models import ApiToken, User
from autopost.accounts.plans import Plan
from autopost.clips.media import make_sample_clip
from autopost.clips.service import create_clip
from autopost.connections.service import connect_platform
from autopost.publishing.errors import ServiceError
from autopost.sandbox import demo
from autopost.sandbox.testing import run_sandbox

DEMO_EMAIL = "demo@autopost.local"
DEMO_PASSWORD = "autopost-demo"


class Command(BaseCommand):
    help = "Creates the demo user, its API token, a sample clip and sandbox connections to every platform."

    def handle(self, *args, **options):
        user = User.objects.filter(email=DEMO_EMAIL).first() or User.objects.create_user(DEMO_EMAIL)
        user.set_password(DEMO_PASSWORD)
        user.plan = Plan.PRO
        user.save()
        ApiToken.objects.filter(user=user, name="demo").delete()
        _, raw_token = ApiToken.issue(user, name="demo")

        if not user.clips.exists():
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / "sample.mp4"
                make_sample_clip(path, seconds=3, width=720, height=1280)
                with path.open("rb") as fh:
                    create_clip(
                        user,
                        fh,
                        filename="sample.mp4",
                        title="Пример клипа",
                        description="Демо-клип autopost: 3 секунды, 720×1280, H.264",
                    )
        if settings.SANDBOX:
            self._connect_sandbox_platforms(user)

        self.stdout.write(
            "\n".join(
                [
                    "",
                    f"  autopost: {settings.PUBLIC_URL}/",
                    f"  вход / login: {DEMO_EMAIL}  пароль / password: {DEMO_PASSWORD}",
                    f"  API token: {raw_token}",
                    f"  API docs: {settings.PUBLIC_URL}/api/v1/docs",
                    "",
                ]
            )
        )

    def _connect_sandbox_platforms(self, user):
        """Connect the sandbox's demo accounts through the real connect paths (validated by
        the sandbox), starting the sandbox for the moment if ``serve`` isn't running it yet."""
        parts = urlsplit(settings.SANDBOX_URL)
        running = nullcontext() if _answers(settings.SANDBOX_URL) else run_sandbox(parts.hostname, parts.port)
        with running:
            for platform, form in DEMO_CONNECTIONS.items():
                try:
                    connect_platform(user, platform, **form)
                except ServiceError as exc:
                    self.stderr.write(f"  {platform}: {exc.message}")


def _answers(url: str) -> bool:
    try:
        httpx.get(f"{url}/", timeout=1)
    except httpx.TransportError:
        return False
    return True


DEMO_CONNECTIONS = {
    "telegram": {"bot_token": demo.TELEGRAM_BOT_TOKEN, "channel": demo.TELEGRAM_CHANNEL},
    "vk": {"access_token": demo.VK_USER_TOKEN, "target_id": ""},
    "rutube": {"username": demo.RUTUBE_EMAIL, "password": demo.RUTUBE_PASSWORD},
    "dzen": {"session": f"Session_id={demo.DZEN_SESSION_ID}", "channel": demo.DZEN_PUBLISHER_ID},
}
