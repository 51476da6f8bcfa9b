"""Reading Дзен Studio's ``stats2`` pages (platform-apis.md §5.4).

The reference gives the request (``fields=typeSpecificViews|likes|comments|shares``,
``groupBy=flight``, ``total=true``, ``pageSize=100``, ``page=N``) and says the reply holds
per-publication rows, paginated — but not the rows' field names. So this reader is defensive on
purpose instead of a strict model, and assumes:

* the rows are the first list of objects under ``publications`` / ``items`` / ``rows`` /
  ``data`` / ``stats`` / ``result`` (also one object deeper, e.g. ``data.items``), or the body
  itself when it is a list;
* a row names its publication by ``publicationId``, ``id``, ``itemId`` or ``publication.id``;
  rows without one (the ``total=true`` summary) are skipped;
* a counter is named as requested (``typeSpecificViews`` → views, ``likes``, ``comments``,
  ``shares`` → reposts; also ``views`` / ``…Count``), either on the row or in a nested
  ``stats`` / ``values`` / ``counters`` / ``metrics`` object, as a number, a numeric string or an
  object with ``value`` / ``count`` / ``total``;
* there is a next page while a ``hasMore`` / ``hasNext`` flag says so, else while ``totalPages``
  or a numeric ``totalCount`` / ``count`` says so, else while a page comes back full.

Reading stops as soon as every wanted id was seen, when a page adds no new row, or after
``MAX_PAGES`` pages (10 000 publications).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import structlog

from autopost.platforms.base import Stats
from autopost.platforms.dzen.client import STATS_PAGE_SIZE, DzenClient

log = structlog.get_logger("autopost.platforms.dzen")

MAX_PAGES = 100
_ROW_LISTS = ("publications", "items", "rows", "data", "stats", "result")
_ID_KEYS = ("publicationId", "publication_id", "id", "itemId")
_NESTED = ("stats", "values", "counters", "metrics")
_VIEWS = ("typeSpecificViews", "views", "viewsCount")
_LIKES = ("likes", "likesCount")
_COMMENTS = ("comments", "commentsCount")
_SHARES = ("shares", "sharesCount", "reposts")
_MORE_FLAGS = ("hasMore", "hasNext", "has_more", "has_next")
_TOTAL_COUNTS = ("totalCount", "total_count", "count")  # "total" may be the summary (total=true)


def rows_of(body: Any, depth: int = 0) -> list[dict[str, Any]] | None:
    """The page's rows, or ``None`` when no list of rows can be found."""
    if isinstance(body, list):
        return [row for row in body if isinstance(row, dict)]
    if not isinstance(body, dict) or depth > 1:
        return None
    for key in _ROW_LISTS:
        value = body.get(key)
        if isinstance(value, list):
            return [row for row in value if isinstance(row, dict)]
    for key in _ROW_LISTS:
        if isinstance(body.get(key), dict) and (rows := rows_of(body[key], depth + 1)) is not None:
            return rows
    return None


def row_id(row: dict[str, Any]) -> str | None:
    for key in _ID_KEYS:
        value = row.get(key)
        if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value):
            return str(value)
    publication = row.get("publication")
    return row_id(publication) if isinstance(publication, dict) else None


def _number(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value) if value == value and value >= 0 else None  # NaN, negatives: unknown
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    if isinstance(value, dict):
        for key in ("value", "count", "total", "sum"):
            if (number := _number(value.get(key))) is not None:
                return number
    return None


def _counter(row: dict[str, Any], names: tuple[str, ...]) -> int | None:
    places = [row] + [row[key] for key in _NESTED if isinstance(row.get(key), dict)]
    for place in places:
        for name in names:
            if (number := _number(place.get(name))) is not None:
                return number
    return None


def stats_of(row: dict[str, Any]) -> Stats:
    return Stats(views=_counter(row, _VIEWS), likes=_counter(row, _LIKES),
                 comments=_counter(row, _COMMENTS), reposts=_counter(row, _SHARES))


def has_more(body: Any, page: int, rows: int) -> bool:
    if isinstance(body, dict):
        for key in _MORE_FLAGS:
            if isinstance(body.get(key), bool):
                return body[key]
        pages = body.get("totalPages", body.get("pages"))
        if isinstance(pages, int) and not isinstance(pages, bool):
            return page + 1 < pages
        for key in _TOTAL_COUNTS:
            total = body.get(key)
            if isinstance(total, int) and not isinstance(total, bool):
                return (page + 1) * STATS_PAGE_SIZE < total
    return rows >= STATS_PAGE_SIZE


def collect_stats(client: DzenClient, remote_ids: Iterable[str]) -> dict[str, Stats]:
    """Counters of the wanted publications found in the channel's ``stats2`` pages."""
    wanted = {str(remote_id) for remote_id in remote_ids if remote_id}
    found: dict[str, Stats] = {}
    seen: set[str] = set()
    for page in range(MAX_PAGES if wanted else 0):
        body = client.stats_page(page)
        rows = rows_of(body)
        if rows is None:
            keys = sorted(body)[:10] if isinstance(body, dict) else type(body).__name__
            log.warning("dzen_stats_unrecognized", page=page, keys=keys)
            break
        new = 0
        for row in rows:
            publication_id = row_id(row)
            if publication_id is None or publication_id in seen:
                continue
            seen.add(publication_id)
            new += 1
            if publication_id in wanted:
                found[publication_id] = stats_of(row)
        if len(found) == len(wanted) or not new or not has_more(body, page, len(rows)):
            break
    return found
