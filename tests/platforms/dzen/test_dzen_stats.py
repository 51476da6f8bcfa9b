"""§5.4 stats2: the request, pagination, and the defensive reading of undocumented rows."""

from __future__ import annotations

import pytest

from autopost.platforms.base import Stats
from autopost.platforms.dzen.stats import has_more, rows_of, stats_of
from autopost.platforms.errors import AuthExpired

from .fakes import PUBLISHER_ID, csrf_token, errors
from .helpers import adapter


def row(n: int, **counters) -> dict:
    return {"publicationId": f"pub{n:04d}", "title": f"Clip {n}",
            "typeSpecificViews": n * 10, "likes": n, "comments": n // 2, "shares": n // 3,
            **counters}


def test_the_request_matches_the_reference(dzen):
    dzen.stats_rows = [row(1)]
    adapter(dzen).fetch_stats(["pub0001"])
    request = dzen.sent("stats2")[0]
    assert request.method == "GET"
    assert request.url.path == f"/editor-api/v2/publisher/{PUBLISHER_ID}/stats2"
    assert list(request.url.params.multi_items()) == [
        ("allPublications", "true"), ("fields", "typeSpecificViews"), ("fields", "likes"),
        ("fields", "comments"), ("fields", "shares"), ("groupBy", "flight"), ("total", "true"),
        ("pageSize", "100"), ("page", "0"), ("clid", "320")]
    assert request.headers["X-Csrf-Token"] == csrf_token(1)


def test_rows_map_to_stats(dzen):
    dzen.stats_rows = [row(1), row(30)]
    stats = adapter(dzen).fetch_stats(["pub0030", "pub0001"])
    assert stats == {"pub0001": Stats(views=10, likes=1, comments=0, reposts=0),
                     "pub0030": Stats(views=300, likes=30, comments=15, reposts=10)}


def test_pages_are_read_until_every_wanted_id_is_found(dzen):
    dzen.stats_rows = [row(n) for n in range(250)]
    stats = adapter(dzen).fetch_stats(["pub0005", "pub0150"])
    assert set(stats) == {"pub0005", "pub0150"}
    assert [r.url.params["page"] for r in dzen.sent("stats2")] == ["0", "1"]


def test_pages_are_read_to_the_end_for_ids_that_are_not_there(dzen):
    dzen.stats_rows = [row(n) for n in range(250)]
    stats = adapter(dzen).fetch_stats(["pub0005", "gone"])
    assert set(stats) == {"pub0005"}
    assert [r.url.params["page"] for r in dzen.sent("stats2")] == ["0", "1", "2"]


def test_an_exactly_full_last_page_costs_one_empty_page(dzen):
    dzen.stats_rows = [row(n) for n in range(200)]
    adapter(dzen).fetch_stats(["gone"])
    assert [r.url.params["page"] for r in dzen.sent("stats2")] == ["0", "1", "2"]


def test_a_server_ignoring_the_page_number_does_not_loop(dzen):
    rows = [row(n) for n in range(100)]
    dzen.stats_wrapper = lambda _rows, page: {"publications": rows}
    adapter(dzen).fetch_stats(["gone"])
    assert len(dzen.sent("stats2")) == 2


def test_a_more_flag_is_honoured(dzen):
    dzen.stats_rows = [row(n) for n in range(150)]
    dzen.stats_wrapper = lambda rows, page: {"items": rows, "hasMore": False}
    adapter(dzen).fetch_stats(["pub0120"])
    assert len(dzen.sent("stats2")) == 1


def test_no_ids_no_calls(dzen):
    assert adapter(dzen).fetch_stats([]) == {}
    assert adapter(dzen).fetch_stats(["", ""]) == {}
    assert dzen.routes == []


def test_an_unrecognised_reply_gives_no_stats(dzen):
    dzen.stats_wrapper = lambda rows, page: {"something": "else"}
    assert adapter(dzen).fetch_stats(["pub0001"]) == {}
    assert len(dzen.sent("stats2")) == 1


def test_an_expired_session_is_auth_expired(dzen):
    dzen.script("stats2", errors("auth-error", 401))
    with pytest.raises(AuthExpired):
        adapter(dzen).fetch_stats(["pub0001"])


def test_stats_calls_are_throttled(dzen):
    dzen.stats_rows = [row(n) for n in range(150)]
    calls = []
    adapter(dzen, calls=calls).fetch_stats(["gone"])
    assert calls == ["throttle"] * 3  # Studio page + two pages


# --- shapes the reader accepts ------------------------------------------------------------------


@pytest.mark.parametrize("body", [
    [{"id": "p1"}],
    {"publications": [{"id": "p1"}]},
    {"items": [{"id": "p1"}], "total": {"typeSpecificViews": 99}},
    {"rows": [{"id": "p1"}]},
    {"data": {"items": [{"id": "p1"}]}},
    {"result": {"publications": [{"id": "p1"}]}},
])
def test_rows_are_found_in_several_places(body):
    assert rows_of(body) == [{"id": "p1"}]


@pytest.mark.parametrize("shape,expected", [
    ({"publicationId": "p", "typeSpecificViews": 5, "likes": 2, "comments": 1, "shares": 3},
     Stats(5, 2, 1, 3)),
    ({"id": "p", "stats": {"typeSpecificViews": "5", "likes": {"value": 2},
                           "comments": {"count": 1}, "shares": 3.0}}, Stats(5, 2, 1, 3)),
    ({"publication": {"id": "p"}, "values": {"views": 5, "likesCount": 2}},
     Stats(5, 2, None, None)),
    ({"id": "p", "typeSpecificViews": None, "likes": True, "comments": -1, "shares": "many"},
     Stats(None, None, None, None)),
])
def test_counters_are_read_defensively(shape, expected):
    assert stats_of(shape) == expected


def test_has_more_prefers_explicit_markers():
    assert has_more({"hasMore": True}, 0, 3) is True
    assert has_more({"hasNext": False}, 0, 100) is False
    assert has_more({"totalPages": 3}, 1, 100) is True
    assert has_more({"totalPages": 3}, 2, 100) is False
    assert has_more({"totalCount": 150}, 0, 100) is True
    assert has_more({"totalCount": 150}, 1, 50) is False
    assert has_more({"total": {"views": 1}}, 0, 100) is True  # a full page: ask for the next
    assert has_more({}, 0, 99) is False


def test_stats_rows_with_ints_as_ids(dzen):
    dzen.stats_wrapper = lambda rows, page: {"publications": [{"id": 42, "likes": 1}]}
    assert adapter(dzen).fetch_stats(["42"]) == {"42": Stats(likes=1)}
