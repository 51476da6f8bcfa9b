"""``autopost createuser EMAIL --plan PLAN [--password P] [--api-token]``."""

import io

import pytest
from django.core.management import CommandError, call_command

from autopost.accounts.models import ApiToken, User
from autopost.accounts.plans import Plan

pytestmark = pytest.mark.django_db


def createuser(*args):
    out = io.StringIO()
    call_command("createuser", *args, stdout=out)
    return out.getvalue()


def test_creates_a_user_with_the_plan_and_password():
    out = createuser("carol@example.com", "--plan", "start", "--password", "carol-pass-1234")

    assert "Created user carol@example.com (plan: start)." in out
    user = User.objects.get(email="carol@example.com")
    assert user.plan == Plan.START
    assert user.username == "carol@example.com"
    assert user.check_password("carol-pass-1234")
    assert "carol-pass-1234" not in out
    assert not user.api_tokens.exists()


def test_without_password_the_user_cannot_sign_in_with_one():
    createuser("dave@example.com", "--plan", "free")
    assert User.objects.get(email="dave@example.com").has_usable_password() is False


def test_api_token_is_printed_once_and_only_its_hash_is_stored():
    out = createuser("carol@example.com", "--plan", "pro", "--api-token")

    raw = out.strip().splitlines()[-1]
    assert raw.startswith("ap_")
    token = ApiToken.objects.get()
    assert token.user.email == "carol@example.com"
    assert token.token_hash != raw and raw not in token.token_hash
    assert raw not in (token.prefix + token.name + str(token))
    assert ApiToken.objects.authenticate(raw) == token


def test_existing_user_gets_the_new_plan_and_keeps_its_password(alice):
    out = createuser("alice@example.com", "--plan", "business")

    assert "Updated user alice@example.com (plan: business)." in out
    assert User.objects.count() == 1
    alice.refresh_from_db()
    assert alice.plan == Plan.BUSINESS
    assert alice.check_password("alice-password-1")


def test_existing_user_is_found_regardless_of_case(alice):
    out = createuser("ALICE@Example.com", "--plan", "start", "--api-token")

    assert "Updated user alice@example.com" in out
    assert User.objects.count() == 1
    assert alice.api_tokens.count() == 1


def test_existing_user_can_get_another_token_without_changing_the_plan(alice):
    createuser("alice@example.com", "--api-token")
    second = createuser("alice@example.com", "--api-token").strip().splitlines()[-1]

    alice.refresh_from_db()
    assert alice.plan == Plan.PRO
    assert alice.api_tokens.count() == 2
    assert ApiToken.objects.authenticate(second).user == alice


@pytest.mark.parametrize(
    "args, message",
    [
        (["carol@example.com", "--plan", "gold"], "Unknown plan 'gold': choose one of free, start"),
        (["not-an-email", "--plan", "pro"], "Not a valid e-mail address: 'not-an-email'"),
        (["carol@", "--plan", "pro"], "Not a valid e-mail address"),
        (["carol@example.com"], "--plan is required to create a user"),
        (["x" * 140 + "@example.com", "--plan", "pro"], "longer than 150 characters"),
        (["carol@example.com", "--plan", "pro", "--password", "123"], "Password rejected"),
    ],
)
def test_invalid_input_is_a_clear_error_and_creates_nothing(args, message):
    with pytest.raises(CommandError, match=message):
        createuser(*args, "--api-token")
    assert not User.objects.exists()
    assert not ApiToken.objects.exists()


def test_invalid_plan_leaves_an_existing_user_unchanged(alice):
    with pytest.raises(CommandError, match="Unknown plan"):
        createuser("alice@example.com", "--plan", "enterprise")
    alice.refresh_from_db()
    assert alice.plan == Plan.PRO


def test_rejected_password_leaves_an_existing_user_unchanged(alice):
    with pytest.raises(CommandError, match="Password rejected"):
        createuser("alice@example.com", "--plan", "free", "--password", "password", "--api-token")
    alice.refresh_from_db()
    assert alice.plan == Plan.PRO
    assert alice.check_password("alice-password-1")
    assert not alice.api_tokens.exists()
