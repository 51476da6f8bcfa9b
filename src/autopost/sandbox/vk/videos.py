"""``video.*`` (documented, platform-apis.md §2.3, §2.7) and ``shortVideo.*`` (undocumented, §2.4).

A video is created by ``video.save`` / ``shortVideo.create`` with a one-time ``upload_url``; it
appears in ``video.get`` once its file arrived (``upload``), ``processing`` for
``VkConfig.processing_s`` seconds of the VK clock. A clip is published by ``shortVideo.publish``,
which answers 3001 until it is processed and ``clip_not_ready_polls`` calls have been refused.
"""

from __future__ import annotations

from autopost.sandbox.vk.calls import Call, VkApiError
from autopost.sandbox.vk.objects import group_json, user_json, video_json
from autopost.sandbox.vk.world import EDITOR_LEVEL, Video

NAME_LIMIT = 128
DESCRIPTION_LIMIT = 5000
VIDEO_GET_MAX = 200


def upload_url(call: Call, video: Video) -> str:
    """Absolute, on this sandbox, shaped like VK's (``upload.do?sig=…&vkOwnerId=…``)."""
    kind = "video" if video.kind == "video" else "clip"
    return (
        f"{call.base_url}/vk/upload/{kind}.do?sig={video.upload_ticket}"
        f"&vkOwnerId={video.owner_id}&vkVideoId={video.id}"
    )


def target_group(call: Call) -> int | None:
    """``group_id`` (positive) of a community the person edits or administers, or None."""
    if not call.arg("group_id"):
        return None
    group_id = call.int_arg("group_id")
    if group_id <= 0:
        raise VkApiError.param("group_id should be positive")
    community = call.world.communities.get(group_id)
    if community is None or community.admin_level(call.user.id) < EDITOR_LEVEL:
        raise VkApiError(203)
    return group_id


def own_video(call: Call, kind: str | None = None) -> Video:
    """The video named by ``owner_id`` + ``video_id``, which the person may change."""
    video_id = call.int_arg("video_id", required=True)
    owner_id = call.int_arg("owner_id", call.user.id)
    video = call.world.live_video(owner_id, video_id)
    if video is None or (kind is not None and video.kind != kind):
        raise VkApiError.param("video_id is invalid")
    if call.world.admin_level(owner_id, call.user.id) < EDITOR_LEVEL:
        raise VkApiError(203 if owner_id < 0 else 204)
    return video


async def video_save(call: Call) -> dict:
    title = call.text("name", NAME_LIMIT)
    description = call.text("description", DESCRIPTION_LIMIT)
    group_id = target_group(call)
    if call.arg("link"):
        raise VkApiError.param("link: importing by URL is not emulated by the sandbox")
    if not call.world.take_video_save_quota():
        raise VkApiError(29)
    video = call.world.new_video(
        "video",
        call.user.id,
        group_id,
        title=title,
        description=description,
        wallpost=call.flag("wallpost"),
        is_private=call.flag("is_private"),
    )
    return {
        "upload_url": upload_url(call, video),
        "video_id": video.id,
        "owner_id": video.owner_id,
        "title": video.title,
        "description": video.description,
        "access_key": video.access_key,
    }


def _video_by_ref(call: Call, ref: str) -> Video | None:
    """``<owner>_<id>[_<access_key>]``; someone else's private video needs its key."""
    parts = ref.split("_")
    try:
        owner_id, video_id = int(parts[0]), int(parts[1])
    except (ValueError, IndexError):
        raise VkApiError.param(f"videos is invalid ({ref})") from None
    video = call.world.live_video(owner_id, video_id)
    if video is None or video.uploaded_at is None:
        return None
    key = parts[2] if len(parts) > 2 else ""
    can_edit = call.world.admin_level(owner_id, call.user.id) >= EDITOR_LEVEL
    if video.is_private and not can_edit and key != video.access_key:
        return None
    return video


async def video_get(call: Call) -> dict:
    count = call.int_arg("count", 100)
    if not 0 <= count <= VIDEO_GET_MAX:
        raise VkApiError.param(f"count should be less or equal to {VIDEO_GET_MAX}")
    offset = max(call.int_arg("offset", 0), 0)
    refs = [ref.strip() for ref in call.arg("videos").split(",") if ref.strip()]
    if refs:
        found = [video for ref in refs if (video := _video_by_ref(call, ref)) is not None]
    else:
        owner_id = call.int_arg("owner_id", call.user.id)
        found = sorted(
            (
                video
                for video in call.world.videos.values()
                if video.owner_id == owner_id and video.uploaded_at and not video.deleted
            ),
            key=lambda video: -video.id,
        )
    page = found[offset : offset + count]
    answer: dict = {
        "count": len(found),
        "items": [video_json(call.world, video, call.user.id, call.base_url) for video in page],
    }
    if call.flag("extended"):
        owners = {video.owner_id for video in page}
        answer["profiles"] = [
            user_json(call.world.users[o]) for o in owners if o in call.world.users
        ]
        answer["groups"] = [
            group_json(call.world.communities[-o], call.user.id)
            for o in owners
            if -o in call.world.communities
        ]
    return answer


async def video_delete(call: Call) -> int:
    video = own_video(call)
    video.deleted = True
    return 1


async def short_video_create(call: Call) -> dict:
    # Bytes in one client, kilobytes in another (§2.4): any positive size is taken as sent.
    file_size = call.int_arg("file_size", required=True)
    if file_size <= 0:
        raise VkApiError.param("file_size should be positive")
    description = call.text("description", DESCRIPTION_LIMIT)
    group_id = target_group(call)
    video = call.world.new_video(
        "clip",
        call.user.id,
        group_id,
        description=description,
        wallpost=call.flag("wallpost"),
        declared_file_size=file_size,
    )
    return {"upload_url": upload_url(call, video), "video_id": video.id, "owner_id": video.owner_id}


async def short_video_edit(call: Call) -> int:
    video = own_video(call, "clip")
    if "description" in call.fields:
        video.description = call.text("description", DESCRIPTION_LIMIT)
    return 1


async def short_video_publish(call: Call) -> dict:
    video = own_video(call, "clip")
    if not video.published:
        if not call.flag("license_agree"):
            raise VkApiError.param("license_agree is undefined")
        world = call.world
        if video.processing(world.now()) or video.not_ready_polls > 0:
            video.not_ready_polls = max(video.not_ready_polls - 1, 0)
            raise VkApiError(3001)
        video.published = True
        if call.flag("wallpost") or video.wallpost:
            world.post_video(video)
    answer = {"owner_id": video.owner_id, "video_id": video.id}
    if video.wall_post_id is not None:
        answer["wall_post_id"] = video.wall_post_id
    return answer
