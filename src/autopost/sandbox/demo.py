"""The demo world: the same bots and channels at every start and after every reset.

Other code (the demo data command, end-to-end tests, benchmarks) imports these constants to
connect to the sandbox; they are sandbox values, not secrets.
"""

from __future__ import annotations

from autopost.sandbox.telegram.world import TelegramConfig, TelegramWorld

# --- Telegram -----------------------------------------------------------------------------------
TELEGRAM_BOT_ID = 7_000_000_001
TELEGRAM_BOT_TOKEN = f"{TELEGRAM_BOT_ID}:AAEsandbox-demo-token-autopost-0001"
TELEGRAM_BOT_USERNAME = "autopost_demo_bot"
TELEGRAM_BOT_NAME = "Autopost Demo"

# A second bot whose token was revoked in @BotFather: every call answers 401.
TELEGRAM_REVOKED_BOT_ID = 7_000_000_002
TELEGRAM_REVOKED_BOT_TOKEN = f"{TELEGRAM_REVOKED_BOT_ID}:AAEsandbox-demo-token-autopost-0002"

# The person who created the demo channels.
TELEGRAM_OWNER_ID = 100_000_001
TELEGRAM_OWNER_NAME = "Анна"

# The bot is an administrator with can_post_messages: publishing works.
TELEGRAM_CHANNEL = "@autopost_demo"
TELEGRAM_CHANNEL_ID = -1_001_000_000_001
TELEGRAM_CHANNEL_TITLE = "Autopost Demo"
TELEGRAM_CHANNEL_MEMBER_COUNT = 1_234

# Public, the bot is not a member: 403 "Forbidden: bot is not a member of the channel chat".
TELEGRAM_NOT_MEMBER_CHANNEL = "@autopost_not_member"
TELEGRAM_NOT_MEMBER_CHANNEL_ID = -1_001_000_000_002

# The bot is a plain member: 400 "Bad Request: need administrator rights in the channel chat".
TELEGRAM_READONLY_CHANNEL = "@autopost_readonly"
TELEGRAM_READONLY_CHANNEL_ID = -1_001_000_000_003

# Private (no username), the bot is an administrator: reachable by numeric id only.
TELEGRAM_PRIVATE_CHANNEL_ID = -1_001_000_000_004
TELEGRAM_PRIVATE_CHANNEL_TITLE = "Закрытый канал autopost"


def telegram_world(config: TelegramConfig) -> TelegramWorld:
    world = TelegramWorld(config)
    world.add_bot(TELEGRAM_BOT_USERNAME, TELEGRAM_BOT_NAME, TELEGRAM_BOT_ID, TELEGRAM_BOT_TOKEN)
    revoked = world.add_bot(
        "autopost_revoked_bot",
        "Autopost Revoked",
        TELEGRAM_REVOKED_BOT_ID,
        TELEGRAM_REVOKED_BOT_TOKEN,
    )
    revoked.revoked = True
    world.add_person(TELEGRAM_OWNER_ID, TELEGRAM_OWNER_NAME, "autopost_owner")

    # (id, title, @username, the demo bot's status)
    channels = [
        (TELEGRAM_CHANNEL_ID, TELEGRAM_CHANNEL_TITLE, TELEGRAM_CHANNEL, "administrator"),
        (TELEGRAM_NOT_MEMBER_CHANNEL_ID, "Бот не в канале", TELEGRAM_NOT_MEMBER_CHANNEL, None),
        (TELEGRAM_READONLY_CHANNEL_ID, "Бот без прав", TELEGRAM_READONLY_CHANNEL, "member"),
        (TELEGRAM_PRIVATE_CHANNEL_ID, TELEGRAM_PRIVATE_CHANNEL_TITLE, None, "administrator"),
    ]
    for channel_id, title, username, bot_status in channels:
        channel = world.add_channel(
            title,
            username=username.removeprefix("@") if username else None,
            channel_id=channel_id,
            description="Демо-канал песочницы autopost",
            member_count=TELEGRAM_CHANNEL_MEMBER_COUNT if channel_id == TELEGRAM_CHANNEL_ID else 42,
        )
        world.set_member(channel, TELEGRAM_OWNER_ID, "creator")
        if bot_status:
            world.set_member(channel, TELEGRAM_BOT_ID, bot_status)
    return world
