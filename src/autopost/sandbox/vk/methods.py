"""The VK API methods the sandbox serves, keyed by exact name (VK's names are case-sensitive).

Each entry says which tokens may call it (``access_token_type`` in ``vk-api-schema``: community
tokens get error 27 elsewhere) and which scope it needs (error 15 or 7 without it). The video
methods live in ``videos``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from autopost.sandbox.vk import videos
from autopost.sandbox.vk.calls import Call, VkApiError
from autopost.sandbox.vk.objects import group_json, post_json, profile_info_json, user_json
from autopost.sandbox.vk.world import EDITOR_LEVEL

# groups.get's filter values that select by role, and the least admin_level each needs.
ROLE_FILTERS = {"admin": 3, "editor": 2, "moder": 1}
GROUPS_GET_MAX = 1000


@dataclass(frozen=True)
class Method:
    handler: Callable[[Call], Awaitable[object]]
    community_tokens: bool = False
    scope: str | None = None


def split_list(raw: str) -> list[str]:
    return [item.strip() for item in raw.split(",") if item.strip()]


def viewer_id(call: Call) -> int:
    return call.token.subject_id if call.token.kind == "user" else 0


async def users_get(call: Call) -> list[dict]:
    fields = set(split_list(call.arg("fields")))
    refs = split_list(call.arg("user_ids")) or split_list(call.arg("user_id"))
    if not refs:
        # A community token is nobody: without ids there is no one to describe.
        return [] if call.token.kind == "community" else [user_json(call.user, fields)]
    found = []
    for ref in refs:
        user = call.world.find_user(ref)
        if user is None:
            raise VkApiError(113)
        found.append(user_json(user, fields))
    return found


async def account_get_profile_info(call: Call) -> dict:
    return profile_info_json(call.user)


async def groups_get_by_id(call: Call) -> dict | list:
    refs = split_list(call.arg("group_ids")) or split_list(call.arg("group_id"))
    if not refs:
        if call.token.kind != "community":
            raise VkApiError.param("group_ids is undefined")
        refs = [str(call.token.subject_id)]
    groups = []
    for ref in refs:
        community = call.world.find_community(ref)
        if community is None:
            raise VkApiError.param(f"group_ids is invalid ({ref})")
        groups.append(group_json(community, viewer_id(call)))
    # The object form arrived around 5.194; older versions get the plain list (§8).
    return {"groups": groups, "profiles": []} if call.object_responses else groups


async def groups_get(call: Call) -> dict:
    user_id = call.int_arg("user_id", call.user.id)
    filters = set(split_list(call.arg("filter")))
    levels = [ROLE_FILTERS[name] for name in filters if name in ROLE_FILTERS]
    count = call.int_arg("count", GROUPS_GET_MAX)
    if not 0 <= count <= GROUPS_GET_MAX:
        raise VkApiError.param(f"count should be less or equal to {GROUPS_GET_MAX}")
    offset = max(call.int_arg("offset", 0), 0)
    found = [c for c in call.world.communities.values() if c.is_member(user_id)]
    if levels:
        found = [c for c in found if c.admin_level(user_id) >= min(levels)]
    page = found[offset : offset + count]
    if call.flag("extended"):
        items: list = [group_json(community, call.user.id) for community in page]
    else:
        items = [community.id for community in page]
    return {"count": len(found), "items": items}


def parse_attachments(call: Call) -> list[tuple[int, int]]:
    """``video<owner>_<id>[_<access_key>]`` items; the sandbox knows no other attachment types."""
    refs = []
    for item in split_list(call.arg("attachments")):
        owner, _, rest = item.removeprefix("video").partition("_")
        video_id = rest.partition("_")[0]
        try:
            ref = (int(owner), int(video_id))
        except ValueError:
            raise VkApiError.param(f"attachments is invalid ({item})") from None
        if not item.startswith("video") or call.world.live_video(*ref) is None:
            raise VkApiError.param(f"attachments is invalid ({item})")
        refs.append(ref)
    return refs


async def wall_post(call: Call) -> dict:
    user = call.user
    owner_id = call.int_arg("owner_id", user.id)
    message = call.text("message", 16384)
    attachments = parse_attachments(call)
    if not message.strip() and not attachments:
        raise VkApiError.param("message is empty or invalid")
    if owner_id < 0 and -owner_id not in call.world.communities:
        raise VkApiError.param("owner_id is invalid")
    level = call.world.admin_level(owner_id, user.id)
    if owner_id != user.id and level < EDITOR_LEVEL:
        raise VkApiError(214)
    from_id = owner_id if owner_id < 0 and call.flag("from_group") else user.id
    post = call.world.add_post(owner_id, from_id, user.id, message, attachments)
    return {"post_id": post.id}


async def wall_get_by_id(call: Call) -> dict | list:
    items = []
    for ref in split_list(call.required("posts")):
        owner, _, post_id = ref.partition("_")
        try:
            post = call.world.posts.get((int(owner), int(post_id)))
        except ValueError:
            raise VkApiError.param(f"posts is invalid ({ref})") from None
        if post is not None:
            items.append(post_json(call.world, post, viewer_id(call), call.base_url))
    if call.flag("extended"):
        return {"items": items, "profiles": [], "groups": []}
    return {"items": items} if call.object_responses else items


METHODS: dict[str, Method] = {
    "users.get": Method(users_get, community_tokens=True),
    "account.getProfileInfo": Method(account_get_profile_info),
    "groups.getById": Method(groups_get_by_id, community_tokens=True),
    "groups.get": Method(groups_get, scope="groups"),
    "wall.post": Method(wall_post, scope="wall"),
    "wall.getById": Method(wall_get_by_id),
    "video.save": Method(videos.video_save, scope="video"),
    "video.get": Method(videos.video_get, scope="video"),
    "video.delete": Method(videos.video_delete, scope="video"),
    "shortVideo.create": Method(videos.short_video_create, scope="video"),
    "shortVideo.edit": Method(videos.short_video_edit, scope="video"),
    "shortVideo.publish": Method(videos.short_video_publish, scope="video"),
}
