"""VK's text limits, targets and links (docs/platform-apis.md §2.2, §2.3)."""

from __future__ import annotations

import pytest

from autopost.platforms.errors import PermanentError
from autopost.platforms.vk.formats import clip_description, parse_target, trim


def test_trim_keeps_short_text_and_marks_cut_text():
    assert trim("  Клип  ", 128) == "Клип"
    assert trim("а" * 128, 128) == "а" * 128
    assert trim("а" * 129, 128) == "а" * 127 + "…"


def test_clip_description_leads_with_the_title():
    assert clip_description("Заголовок", "Описание") == "Заголовок\n\nОписание"
    assert clip_description("", "Описание") == "Описание"
    assert clip_description("Заголовок", "") == "Заголовок"
    assert len(clip_description("З", "о" * 6000)) == 5000


@pytest.mark.parametrize(
    ("target_id", "group_id"),
    [("", None), ("1234567", None), ("https://vk.com/id1234567", None), ("-42", 42),
     ("club42", 42), ("public42", 42), ("https://vk.com/club42", 42), ("vk.ru/public42/", 42)],
)
def test_parse_target(target_id, group_id):
    assert parse_target(target_id, 1234567) == group_id


@pytest.mark.parametrize("target_id", ["7654321", "-", "club", "-42x", "https://evil.test/club42"])
def test_parse_target_refuses_what_it_cannot_post_to(target_id):
    with pytest.raises(PermanentError) as caught:
        parse_target(target_id, 1234567)
    assert caught.value.code == "vk_invalid_target"
