"""The Клипы page explains the plan instead of offering a publish button the plan refuses."""

from django.urls import reverse

from autopost.accounts.models import User
from autopost.accounts.plans import Plan
from tests.factories import make_clip


def clips_page(client, plan) -> str:
    user = User.objects.create_user(f"{plan}@example.com", "some-password-1", plan=plan)
    make_clip(user, title="Мой клип")
    client.force_login(user)
    return client.get(reverse("home")).content.decode()


def test_a_free_user_reads_why_there_is_no_publish_button(client, db):
    page = clips_page(client, Plan.FREE)
    assert "Тариф Free не позволяет публиковать" in page
    assert "Публикация не входит в тариф Free." in page
    assert "Опубликовать</a>" not in page
    assert "connect-hint" not in page


def test_a_start_user_is_told_it_is_vk_only_and_can_publish(client, db):
    page = clips_page(client, Plan.START)
    assert "Тариф Start позволяет публиковать только в VK Клипы" in page
    assert "Опубликовать</a>" in page


def test_a_pro_user_sees_no_plan_note(client, db):
    page = clips_page(client, Plan.PRO)
    assert "plan-note" not in page and "Опубликовать</a>" in page
