"""Дзен's JSON objects: a publication as the editor API shows it (§5.3), stats rows (§5.4) and
the public launcher's items. Times are epoch milliseconds, as Studio's JavaScript takes them.

Field names beyond the doc (``publisherId``, ``status``, ``createdAt``, ``publishedAt``,
``shareLink``, the stats and launcher counters) are the sandbox's choice.
"""

from __future__ import annotations

from autopost.sandbox.dzen.world import DzenWorld, Publication

STATS_FIELDS = ("typeSpecificViews", "likes", "comments", "shares")


def millis(timestamp: float | None) -> int | None:
    return None if timestamp is None else int(timestamp * 1000)


def share_link(base_url: str, publication: Publication) -> str:
    return f"{base_url}/dzen/shorts/{publication.id}"


def gif_content(world: DzenWorld, publication: Publication, base_url: str) -> dict:
    now, conversion_s = world.now(), world.config.conversion_s
    converted = publication.converted(now, conversion_s)
    content: dict = {
        "isUploaded": publication.finished_at is not None,
        "isConverted": converted,
        "isFailed": publication.failed(now, conversion_s),
    }
    upload = publication.upload
    if publication.finished_at is None or upload is None:
        return content
    video = f"{base_url}/dzen/video-files/{publication.video_id}"
    content |= {
        "videoId": publication.video_id,
        "videoMetaId": publication.video_meta_id,
        "videoFileId": publication.video_file_id,
        "duration": world.config.duration_s if converted else None,
        "hasSound": True,
        "size": upload.offset,
        "fileName": upload.file_name,
        "streams": [{"type": "hls", "url": f"{video}/master.m3u8"}] if converted else [],
        "thumbnails": [{"url": f"{video}/thumbnail.jpg"}] if converted else [],
        "oneVideoInfo": {"id": publication.video_id, "status": _one_video_status(content)},
    }
    return content


def _one_video_status(content: dict) -> str:
    if content["isFailed"]:
        return "failed"
    return "ok" if content["isConverted"] else "processing"


def publication_json(world: DzenWorld, publication: Publication, base_url: str) -> dict:
    published = publication.published_at is not None
    return {
        "id": publication.id,
        "publisherId": publication.publisher_id,
        "publicationType": "gif",
        "status": "published" if published else "draft",
        "createdAt": millis(publication.created_at),
        "publishedAt": millis(publication.published_at),
        "preview": {"title": publication.title, "snippet": publication.snippet},
        "visibilityType": publication.visibility_type or "all",
        "commentsFlagState": publication.comments_flag_state or "on",
        "delayedPublicationFlagState": publication.delayed_publication_flag_state or "off",
        "tagsInput": {"tags": list(publication.tags)},
        "content": {"type": "gif", "gifContent": gif_content(world, publication, base_url)},
        "shareLink": share_link(base_url, publication) if published else None,
    }


def counters(publication: Publication) -> dict[str, int]:
    return {
        "typeSpecificViews": publication.views,
        "likes": publication.likes,
        "comments": publication.comments,
        "shares": publication.shares,
    }


def stats_row(publication: Publication, fields: tuple[str, ...]) -> dict:
    values = counters(publication)
    return {
        "publicationId": publication.id,
        "publicationType": "gif",
        "title": publication.title,
        "publishedAt": millis(publication.published_at),
        **{name: values[name] for name in fields},
    }


def launcher_item(publication: Publication, base_url: str) -> dict:
    return {
        "id": publication.id,
        "type": "short",
        "title": publication.title,
        "text": publication.snippet,
        "share_link": share_link(base_url, publication),
        "publication_date": millis(publication.published_at),
        "views": publication.views,
        "likes": publication.likes,
        "comments": publication.comments,
        "shares": publication.shares,
    }
