"""``autopost rotate-tokens`` re-encrypts platform tokens with the current key."""

import io

import pytest
from django.core.management import CommandError, call_command

from autopost import crypto
from autopost.connections.models import PlatformConnection

OLD_KEY = "a1" * 32
NEW_KEY = "b2" * 32
FOREIGN_KEY = "c3" * 32


@pytest.fixture
def keys(settings):
    """The state during a rotation: the new key is current, the old one is still accepted."""
    settings.PLATFORM_TOKEN_SECRET = NEW_KEY
    settings.PLATFORM_TOKEN_SECRET_PREVIOUS = [OLD_KEY]
    return settings


def make_connection(owner, n, access, refresh="", key=OLD_KEY):
    return PlatformConnection.objects.create(
        owner=owner,
        platform="telegram",
        target_id=f"@channel{n}",
        access_token_enc=crypto.encrypt(access, key=bytes.fromhex(key)),
        refresh_token_enc=crypto.encrypt(refresh, key=bytes.fromhex(key)) if refresh else "",
    )


def rotate(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("rotate_tokens", *args, stdout=out, stderr=err)
    except CommandError as exc:
        return out.getvalue(), err.getvalue(), exc
    return out.getvalue(), err.getvalue(), None


def opens_with_only(value, hex_key):
    return crypto.decrypt(value, key=bytes.fromhex(hex_key))


def test_old_key_values_decrypt_with_only_the_new_key_after_rotation(keys, alice):
    conn = make_connection(alice, 1, "access-Токен-1", "refresh-token-1")
    updated_at = conn.updated_at

    out, err, error = rotate()

    assert error is None
    assert "Values re-encrypted: 2" in out
    assert err == ""
    conn.refresh_from_db()
    keys.PLATFORM_TOKEN_SECRET_PREVIOUS = []
    assert conn.get_credentials().access_token == "access-Токен-1"
    assert opens_with_only(conn.access_token_enc, NEW_KEY) == "access-Токен-1"
    assert opens_with_only(conn.refresh_token_enc, NEW_KEY) == "refresh-token-1"
    assert conn.updated_at == updated_at


def test_values_on_the_current_key_and_empty_values_are_left_alone(keys, alice):
    current = make_connection(alice, 1, "already-new", key=NEW_KEY)
    before = current.access_token_enc

    out, _, error = rotate()

    assert error is None
    assert "Values re-encrypted: 0; already on the current key: 1; failed: 0" in out
    current.refresh_from_db()
    assert current.access_token_enc == before
    assert current.refresh_token_enc == ""


def test_all_re_encrypts_current_key_values_with_a_fresh_iv(keys, alice):
    conn = make_connection(alice, 1, "already-new", key=NEW_KEY)
    before = conn.access_token_enc

    out, _, error = rotate("--all")

    assert error is None
    assert "Values re-encrypted: 1" in out
    conn.refresh_from_db()
    assert conn.access_token_enc != before
    assert opens_with_only(conn.access_token_enc, NEW_KEY) == "already-new"


def test_rotation_runs_across_several_batches(keys, alice, bob):
    conns = [make_connection(alice if n % 2 else bob, n, f"token-{n}") for n in range(7)]

    out, _, error = rotate("--batch-size", "3")

    assert error is None
    assert "Connections scanned: 7. Values re-encrypted: 7;" in out
    for n, conn in enumerate(conns):
        conn.refresh_from_db()
        assert opens_with_only(conn.access_token_enc, NEW_KEY) == f"token-{n}"


def test_value_no_key_opens_is_reported_by_id_and_left_untouched(keys, alice):
    good = make_connection(alice, 1, "good-token")
    lost = make_connection(alice, 2, "lost-token", key=FOREIGN_KEY)
    lost_value = lost.access_token_enc

    out, err, error = rotate()

    assert isinstance(error, CommandError)
    assert error.returncode != 0
    assert "1 value(s) could not be decrypted" in str(error)
    assert f"Connection {lost.pk}: access_token_enc opens with no configured key" in err
    assert "Values re-encrypted: 1;" in out and "failed: 1." in out
    lost.refresh_from_db()
    assert lost.access_token_enc == lost_value
    good.refresh_from_db()
    assert opens_with_only(good.access_token_enc, NEW_KEY) == "good-token"


def test_output_never_contains_tokens_or_ciphertexts(keys, alice):
    conn = make_connection(alice, 1, "secret-access-xyz", "secret-refresh-xyz")
    make_connection(alice, 2, "secret-lost-xyz", key=FOREIGN_KEY)
    old_values = [conn.access_token_enc, conn.refresh_token_enc]

    out, err, error = rotate()
    conn.refresh_from_db()

    printed = out + err + str(error)
    assert "secret-" not in printed
    for value in [*old_values, conn.access_token_enc, conn.refresh_token_enc]:
        for part in value.split(":"):
            assert part not in printed
    assert OLD_KEY not in printed and NEW_KEY not in printed


def test_dry_run_counts_but_writes_nothing(keys, alice):
    conn = make_connection(alice, 1, "token")
    before = conn.access_token_enc

    out, _, error = rotate("--dry-run")

    assert error is None
    assert "Values would be re-encrypted: 1" in out
    conn.refresh_from_db()
    assert conn.access_token_enc == before


def test_missing_key_is_a_clear_error_and_changes_nothing(settings, alice):
    conn = make_connection(alice, 1, "token")
    before = conn.access_token_enc
    settings.PLATFORM_TOKEN_SECRET = ""

    _, _, error = rotate()

    assert isinstance(error, CommandError)
    assert "PLATFORM_TOKEN_SECRET is not configured" in str(error)
    conn.refresh_from_db()
    assert conn.access_token_enc == before
