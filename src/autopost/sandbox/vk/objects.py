"""VK API objects as the server writes them (``VKCOM/vk-api-schema`` 5.199 field names).

``viewer_id`` is the person the token acts for (0 for a community token): flags such as
``is_admin`` and ``can_edit`` and the private ``access_key`` depend on who looks.
"""

from __future__ import annotations

from autopost.sandbox.vk.world import Community, User, Video, VkWorld, WallPost

# VK's own placeholder avatars.
COMMUNITY_PHOTO = "https://vk.com/images/community_{size}.png"
USER_PHOTO = "https://vk.com/images/camera_{size}.png"


def user_json(user: User, fields: set[str] = frozenset()) -> dict:
    data = {
        "id": user.id,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "can_access_closed": True,
        "is_closed": False,
    }
    if "screen_name" in fields:
        data["screen_name"] = user.screen_name
    for size in (50, 100, 200):
        if f"photo_{size}" in fields:
            data[f"photo_{size}"] = USER_PHOTO.format(size=size)
    return data


def profile_info_json(user: User) -> dict:
    """account.getProfileInfo."""
    return {
        "id": user.id,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "screen_name": user.screen_name,
        "home_town": "",
        "status": "",
        "sex": 0,
        "relation": 0,
        "bdate_visibility": 0,
        "photo_200": USER_PHOTO.format(size=200),
        "is_service_account": False,
    }


def group_json(community: Community, viewer_id: int) -> dict:
    level = community.admin_level(viewer_id)
    data = {
        "id": community.id,
        "name": community.name,
        "screen_name": community.screen_name,
        "is_closed": 0,
        "type": "page",
        "is_admin": 1 if level else 0,
        "is_member": 1 if community.is_member(viewer_id) else 0,
        "is_advertiser": 0,
    }
    if level:
        data["admin_level"] = level
    for size in (50, 100, 200):
        data[f"photo_{size}"] = COMMUNITY_PHOTO.format(size=size)
    return data


def video_json(world: VkWorld, video: Video, viewer_id: int, base_url: str) -> dict:
    can_edit = world.admin_level(video.owner_id, viewer_id) >= 2
    date = int(video.uploaded_at or video.created_at)
    data: dict = {
        "id": video.id,
        "owner_id": video.owner_id,
        "type": "short_video" if video.kind == "clip" else "video",
        "title": video.title,
        "description": video.description,
        "duration": 0,
        "date": date,
        "adding_date": date,
        "views": video.views,
        "comments": video.comments,
        "likes": {"count": video.likes, "user_likes": 0},
        "reposts": {
            "count": video.reposts,
            "wall_count": video.reposts,
            "mail_count": 0,
            "user_reposted": 0,
        },
        "player": (
            f"{base_url}/vk/video_ext.php?oid={video.owner_id}&id={video.id}"
            f"&hash={video.access_key[:16]}"
        ),
        "image": [
            {"url": f"{base_url}/vk/video_{video.ref}_{w}.jpg", "width": w, "height": h}
            for w, h in ((130, 96), (320, 240), (800, 450))
        ],
        "can_comment": 1,
        "can_like": 1,
        "can_repost": 1,
        "can_add": 1,
        "can_edit": 1 if can_edit else 0,
        "can_delete": 1 if can_edit else 0,
    }
    if video.is_private:
        data["is_private"] = 1
    if can_edit:
        data["access_key"] = video.access_key
    if video.processing(world.now()):
        data["processing"] = 1
        data["converting"] = 1
    return data


def post_json(world: VkWorld, post: WallPost, viewer_id: int, base_url: str) -> dict:
    attachments = []
    for owner_id, video_id in post.videos:
        video = world.live_video(owner_id, video_id)
        if video is not None:
            attachments.append(
                {"type": "video", "video": video_json(world, video, viewer_id, base_url)}
            )
    data = {
        "id": post.id,
        "owner_id": post.owner_id,
        "from_id": post.from_id,
        "date": post.date,
        "text": post.text,
        "post_type": "post",
        "attachments": attachments,
        "comments": {"count": post.comments, "can_post": 1},
        "likes": {"count": post.likes, "user_likes": 0, "can_like": 1, "can_publish": 1},
        "reposts": {"count": post.reposts, "user_reposted": 0},
        "views": {"count": post.views},
        "is_favorite": False,
    }
    if post.owner_id < 0 and world.admin_level(post.owner_id, viewer_id) >= 2:
        data["created_by"] = post.created_by
    return data
