"""The demo world: the same bots, channels, people, communities and accounts at every start and
reset.

Other code (the demo data command, end-to-end tests, benchmarks) imports these constants to
connect to the sandbox; they are sandbox values, not secrets.
"""

from __future__ import annotations

from autopost.sandbox.dzen.world import DzenWorld
from autopost.sandbox.rutube.world import Category, RutubeWorld
from autopost.sandbox.telegram.world import TelegramConfig, TelegramWorld
from autopost.sandbox.vk.world import App, VkWorld

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


# --- VK -----------------------------------------------------------------------------------------
# The person signed in to VK: consent pages act for them, the demo tokens are theirs.
VK_USER_ID = 712_345_678
VK_USER_FIRST_NAME = "Иван"
VK_USER_LAST_NAME = "Петров"
VK_USER_SCREEN_NAME = "autopost_demo"
VK_USER_EMAIL = "ivan.petrov@example.com"

# A pasted user token (legacy shape, never expires) with video, wall, groups and offline.
VK_USER_TOKEN = "vk1.a.sandboxDemoUserTokenVideoWallGroups0001-autopost"
VK_USER_TOKEN_SCOPES = ("video", "wall", "groups", "offline")
# The same person's token without the video scope: video methods answer 15.
VK_NO_VIDEO_TOKEN = "vk1.a.sandboxDemoUserTokenWallGroupsOnly0002-autopost"
# A token that has expired: every call answers 1117.
VK_EXPIRED_TOKEN = "vk1.a.sandboxDemoUserTokenExpired0003-autopost"

# The person administers this community (the doc's example id): uploads and posts work.
VK_GROUP_ID = 218_861_756
VK_GROUP_NAME = "Autopost Демо"
VK_GROUP_SCREEN_NAME = "autopost_demo_club"
# The person is a plain member here: group targets answer 203, wall posts 214.
VK_MEMBER_GROUP_ID = 218_861_757
VK_MEMBER_GROUP_NAME = "Клуб любителей клипов"
VK_MEMBER_GROUP_SCREEN_NAME = "clip_lovers_club"
# A community token of the administered community: user-only methods answer 27.
VK_COMMUNITY_TOKEN = "vk1.a.sandboxDemoCommunityToken0004-autopost"

# The VK ID app (settings.VK_CLIENT_ID in sandbox mode). Redirect URIs: ``*`` is any port, the
# rest must match exactly.
VK_ID_CLIENT_ID = "51234567"
VK_ID_APP_NAME = "Autopost (песочница)"
VK_ID_REDIRECT_URIS = (
    "http://127.0.0.1:*/oauth/vk/callback",
    "http://localhost:*/oauth/vk/callback",
)
# A legacy oauth.vk.com app (same redirect URIs, plus the sandbox's blank.html).
VK_LEGACY_CLIENT_ID = "7654321"
VK_LEGACY_CLIENT_SECRET = "sandboxLegacySecret0001"
VK_LEGACY_APP_NAME = "Autopost (старый OAuth)"


def vk_world() -> VkWorld:
    world = VkWorld()
    user = world.add_user(
        VK_USER_FIRST_NAME, VK_USER_LAST_NAME, VK_USER_ID, screen_name=VK_USER_SCREEN_NAME
    )
    user.email = VK_USER_EMAIL
    world.signed_in_user_id = user.id
    admin_of = world.add_community(VK_GROUP_NAME, VK_GROUP_ID, VK_GROUP_SCREEN_NAME)
    admin_of.managers[user.id] = "administrator"
    member_of = world.add_community(
        VK_MEMBER_GROUP_NAME, VK_MEMBER_GROUP_ID, VK_MEMBER_GROUP_SCREEN_NAME
    )
    member_of.members.add(user.id)

    world.issue_token("user", user.id, set(VK_USER_TOKEN_SCOPES), "pasted", value=VK_USER_TOKEN)
    world.issue_token("user", user.id, {"wall", "groups"}, "pasted", value=VK_NO_VIDEO_TOKEN)
    world.issue_token(
        "user", user.id, {"video", "wall", "groups"}, "pasted", ttl_s=0, value=VK_EXPIRED_TOKEN
    )
    world.issue_token(
        "community",
        VK_GROUP_ID,
        {"wall", "photos", "docs", "manage"},
        "pasted",
        value=VK_COMMUNITY_TOKEN,
    )

    world.add_app(App(VK_ID_CLIENT_ID, VK_ID_APP_NAME, VK_ID_REDIRECT_URIS))
    world.add_app(
        App(VK_LEGACY_CLIENT_ID, VK_LEGACY_APP_NAME, VK_ID_REDIRECT_URIS, VK_LEGACY_CLIENT_SECRET)
    )
    return world


# --- Rutube -------------------------------------------------------------------------------------
# The account autopost connects: token_auth with the e-mail (or the phone) and the password.
RUTUBE_USERID = 1_234_567
RUTUBE_NAME = "Autopost Rutube"
RUTUBE_EMAIL = "rutube.demo@example.com"
RUTUBE_PHONE = "+79990000001"
RUTUBE_PASSWORD = "rutube-demo-password"
# Its token (what token_auth answers; DRF tokens are 40 hex digits).
RUTUBE_TOKEN = "6d8cd1c2fcbb42fd6e659b88dc81abb58c38b10e"
# Someone else's account: changing their videos answers 403.
RUTUBE_OTHER_USERID = 7_654_321
RUTUBE_OTHER_NAME = "Чужой канал Rutube"
RUTUBE_OTHER_EMAIL = "someone.else@example.com"
RUTUBE_OTHER_PASSWORD = "someone-else-password"
RUTUBE_OTHER_TOKEN = "cd66b7b6a36b6e206b765402b1ac87dae4158214"
# The categories the doc has seen (§4.2); 13 is the default of a new video.
RUTUBE_CATEGORIES = {13: "Разное", 6: "Музыка"}


def rutube_world() -> RutubeWorld:
    world = RutubeWorld()
    for category_id, name in RUTUBE_CATEGORIES.items():
        world.categories[category_id] = Category(category_id, name)
    demo = world.add_account(
        RUTUBE_NAME, RUTUBE_EMAIL, RUTUBE_PASSWORD, userid=RUTUBE_USERID, phone=RUTUBE_PHONE
    )
    demo.description = "Демо-канал песочницы autopost"
    demo.subscribers_count = 321
    world.token_for(demo.userid, RUTUBE_TOKEN)
    other = world.add_account(
        RUTUBE_OTHER_NAME, RUTUBE_OTHER_EMAIL, RUTUBE_OTHER_PASSWORD, userid=RUTUBE_OTHER_USERID
    )
    world.token_for(other.userid, RUTUBE_OTHER_TOKEN)
    return world


# --- Дзен ---------------------------------------------------------------------------------------
# The channel autopost connects (the doc's example publisherId) and a browser session on it: the
# ``Session_id`` cookie and the CSRF token Studio's page shows.
DZEN_PUBLISHER_ID = "69cd140eea571e1d07752e89"
DZEN_CHANNEL_NAME = "Autopost Дзен"
DZEN_CHANNEL_SLUG = "autopost_demo"
DZEN_SESSION_ID = "3:1735689600.5.0.86807f72f7f7d1a39e7c9a4fdc7c58b4"
DZEN_CSRF_TOKEN = "6552ae4c30a11f2721cb1ed6110a879e:1735689600"
# Someone else's channel, with its own session: the demo session gets "forbidden" there.
DZEN_OTHER_PUBLISHER_ID = "69cd140eea571e1d07752e8a"
DZEN_OTHER_CHANNEL_NAME = "Чужой канал Дзена"
DZEN_OTHER_CHANNEL_SLUG = "someone_else"
DZEN_OTHER_SESSION_ID = "3:1735689600.5.0.f49df639d34d3523319084e269dd2673"
DZEN_OTHER_CSRF_TOKEN = "5a56e3941d0093a9ec39955989e7ffae:1735689600"
# A session of the demo channel that has expired: API calls answer auth-error.
DZEN_EXPIRED_SESSION_ID = "3:1735689600.5.0.02a15d9f10cbac54a39f4534803c4690"


def dzen_world() -> DzenWorld:
    world = DzenWorld()
    world.add_channel(DZEN_CHANNEL_NAME, DZEN_CHANNEL_SLUG, DZEN_PUBLISHER_ID)
    world.add_channel(DZEN_OTHER_CHANNEL_NAME, DZEN_OTHER_CHANNEL_SLUG, DZEN_OTHER_PUBLISHER_ID)
    world.open_session([DZEN_PUBLISHER_ID], DZEN_SESSION_ID, DZEN_CSRF_TOKEN)
    world.open_session([DZEN_OTHER_PUBLISHER_ID], DZEN_OTHER_SESSION_ID, DZEN_OTHER_CSRF_TOKEN)
    expired = world.open_session([DZEN_PUBLISHER_ID], DZEN_EXPIRED_SESSION_ID)
    expired.expired = True
    return world
