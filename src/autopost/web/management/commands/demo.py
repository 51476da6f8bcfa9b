"""``autopost demo``: the demo user with an API token, a real sample clip, and (in sandbox mode) a
Telegram connection to the sandbox's demo channel. Safe to run again: it refreshes, never duplicates."""

import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from autopost.accounts.models import ApiToken, User
from autopost.accounts.plans import Plan
from autopost.clips.media import make_sample_clip
from autopost.clips.service import create_clip
from autopost.connections.models import ConnectionStatus, PlatformConnection
from autopost.platforms.base import Credentials
from autopost.sandbox import demo

DEMO_EMAIL = "demo@autopost.local"
DEMO_PASSWORD = "autopost-demo"


class Command(BaseCommand):
    help = "Creates the demo user, its API token, a sample clip and a sandbox Telegram connection."

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
            self._connect_sandbox_telegram(user)

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

    def _connect_sandbox_telegram(self, user):
        # The sandbox's demo bot is an administrator of its demo channel (sandbox/demo.py).
        connection = (
            PlatformConnection.objects.exclude(status=ConnectionStatus.REVOKED)
            .filter(owner=user, platform="telegram", target_id=str(demo.TELEGRAM_CHANNEL_ID))
            .first()
        ) or PlatformConnection(owner=user, platform="telegram", target_id=str(demo.TELEGRAM_CHANNEL_ID))
        connection.account_id = str(demo.TELEGRAM_BOT_ID)
        connection.account_name = f"@{demo.TELEGRAM_BOT_USERNAME}"
        connection.target_name = demo.TELEGRAM_CHANNEL_TITLE
        connection.target_url = f"https://t.me/{demo.TELEGRAM_CHANNEL.removeprefix('@')}"
        connection.options = {
            "chat_username": demo.TELEGRAM_CHANNEL.removeprefix("@"),
            "bot_username": demo.TELEGRAM_BOT_USERNAME,
        }
        connection.set_credentials(Credentials(access_token=demo.TELEGRAM_BOT_TOKEN))
        connection.status = ConnectionStatus.ACTIVE
        connection.save()
