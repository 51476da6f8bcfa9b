"""Token encryption: AES-256-GCM in the clip app's hex ``iv:ciphertext:authTag`` format.

The interop tests run the same few lines of Node's built-in ``crypto`` that the clip app's module
uses, so a format drift on either side fails here. Keys travel through the environment and values
through stdin, never through argv (argv is visible to every user in ``ps``).
"""

import os
import secrets
import shutil
import subprocess
import traceback

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from autopost import crypto

TOKEN = "vk1.a.Сек-рет_токен-0123456789"
OLD_KEY = "a1" * 32
NEW_KEY = "b2" * 32

NODE = shutil.which("node")
needs_node = pytest.mark.skipif(NODE is None, reason="node is not installed")

# What the clip app's module does: randomBytes(12) IV, update+final, getAuthTag, hex parts.
NODE_ENCRYPT = """
const crypto = require('crypto');
const key = Buffer.from(process.env.PLATFORM_TOKEN_SECRET, 'hex');
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', () => {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
  const ct = Buffer.concat([cipher.update(input, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  process.stdout.write(`${iv.toString('hex')}:${ct.toString('hex')}:${tag.toString('hex')}`);
});
"""

NODE_DECRYPT = """
const crypto = require('crypto');
const key = Buffer.from(process.env.PLATFORM_TOKEN_SECRET, 'hex');
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', () => {
  const [ivHex, ctHex, tagHex] = input.trim().split(':');
  const decipher = crypto.createDecipheriv('aes-256-gcm', key, Buffer.from(ivHex, 'hex'));
  decipher.setAuthTag(Buffer.from(tagHex, 'hex'));
  const plain = Buffer.concat([decipher.update(Buffer.from(ctHex, 'hex')), decipher.final()]);
  process.stdout.write(plain.toString('utf8'));
});
"""


def run_node(script: str, stdin: str, hex_key: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PLATFORM_TOKEN_SECRET": hex_key}
    return subprocess.run(
        [NODE, "-e", script],
        input=stdin.encode("utf-8"),
        env=env,
        capture_output=True,
        timeout=30,
        check=False,
    )


def flip_hex(part: str, index: int = 0) -> str:
    """The same hex string with one bit of byte ``index`` flipped."""
    raw = bytearray(bytes.fromhex(part))
    raw[index] ^= 0x01
    return raw.hex()


def assert_hides(exc: BaseException, *secrets_: str) -> None:
    rendered = [str(exc), repr(exc), "".join(traceback.format_exception(exc))]
    for secret in secrets_:
        if not secret:
            continue
        for text in rendered:
            assert secret not in text


# --- round trip and format -----------------------------------------------------------------------


@pytest.mark.parametrize("plaintext", [TOKEN, "", "Ёжик в тумане 🦔", "x" * 10_000])
def test_round_trip(plaintext):
    assert crypto.decrypt(crypto.encrypt(plaintext)) == plaintext


def test_each_encryption_uses_a_fresh_iv():
    values = [crypto.encrypt(TOKEN) for _ in range(50)]
    ivs = {value.split(":")[0] for value in values}
    assert len(ivs) == 50
    assert len(set(values)) == 50
    assert all(crypto.decrypt(value) == TOKEN for value in values)


def test_format_is_three_hex_parts_with_12_byte_iv_and_16_byte_tag():
    value = crypto.encrypt(TOKEN)
    iv, ciphertext, tag = value.split(":")
    assert len(bytes.fromhex(iv)) == 12
    assert len(bytes.fromhex(tag)) == 16
    # GCM is a stream mode: the ciphertext is exactly as long as the UTF-8 plaintext.
    assert len(bytes.fromhex(ciphertext)) == len(TOKEN.encode("utf-8"))
    assert value == value.lower()
    assert TOKEN not in value


def test_empty_plaintext_has_an_empty_ciphertext_part():
    iv, ciphertext, tag = crypto.encrypt("").split(":")
    assert (len(iv), ciphertext, len(tag)) == (24, "", 32)


# --- interop with the clip app's Node.js module ---------------------------------------------------


@needs_node
@pytest.mark.parametrize("plaintext", [TOKEN, "", "Ёжик в тумане 🦔"])
def test_python_decrypts_what_node_encrypted(settings, plaintext):
    result = run_node(NODE_ENCRYPT, plaintext, settings.PLATFORM_TOKEN_SECRET)
    assert result.returncode == 0, result.stderr.decode()
    value = result.stdout.decode()
    assert len(value.split(":")) == 3
    assert crypto.decrypt(value) == plaintext


@needs_node
@pytest.mark.parametrize("plaintext", [TOKEN, "", "Ёжик в тумане 🦔"])
def test_node_decrypts_what_python_encrypted(settings, plaintext):
    result = run_node(NODE_DECRYPT, crypto.encrypt(plaintext), settings.PLATFORM_TOKEN_SECRET)
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.decode("utf-8") == plaintext


@needs_node
def test_node_rejects_a_python_value_with_a_tampered_tag(settings):
    iv, ciphertext, tag = crypto.encrypt(TOKEN).split(":")
    tampered = f"{iv}:{ciphertext}:{flip_hex(tag)}"
    result = run_node(NODE_DECRYPT, tampered, settings.PLATFORM_TOKEN_SECRET)
    assert result.returncode != 0
    assert TOKEN not in result.stdout.decode("utf-8", "replace")


# --- failures: CryptoError, and nothing secret in it ---------------------------------------------


def _tamper(part_index: int):
    def tamper(value: str) -> str:
        parts = value.split(":")
        parts[part_index] = flip_hex(parts[part_index])
        return ":".join(parts)

    return tamper


@pytest.mark.parametrize(
    "tamper",
    [_tamper(0), _tamper(1), _tamper(2)],
    ids=["iv", "ciphertext", "tag"],
)
def test_tampered_value_raises_crypto_error_without_secrets(tamper):
    value = crypto.encrypt(TOKEN)
    tampered = tamper(value)
    assert tampered != value

    with pytest.raises(crypto.CryptoError, match="wrong key or the value was tampered with") as exc:
        crypto.decrypt(tampered)

    assert_hides(exc.value, TOKEN, tampered, tampered.split(":")[1], value.split(":")[1])


def test_truncated_tag_is_malformed():
    iv, ciphertext, tag = crypto.encrypt(TOKEN).split(":")
    with pytest.raises(crypto.CryptoError, match="wrong IV or auth tag length") as exc:
        crypto.decrypt(f"{iv}:{ciphertext}:{tag[:-2]}")
    assert_hides(exc.value, TOKEN, ciphertext)


def test_wrong_key_raises_crypto_error_without_secrets():
    value = crypto.encrypt(TOKEN, key=bytes.fromhex(OLD_KEY))
    with pytest.raises(crypto.CryptoError, match="wrong key") as exc:
        crypto.decrypt(value)
    assert_hides(exc.value, TOKEN, value.split(":")[1], OLD_KEY)


@pytest.mark.parametrize(
    "value, message",
    [
        ("", "expected iv:ciphertext:authTag"),
        ("not encrypted at all", "expected iv:ciphertext:authTag"),
        ("00:11", "expected iv:ciphertext:authTag"),
        ("00:11:22:33", "expected iv:ciphertext:authTag"),
        ("zz" * 12 + ":abcd:" + "00" * 16, "parts must be hexadecimal"),
        ("00" * 12 + ":abc:" + "00" * 16, "parts must be hexadecimal"),
        ("00" * 11 + ":abcd:" + "00" * 16, "wrong IV or auth tag length"),
        ("00" * 12 + ":abcd:" + "00" * 15, "wrong IV or auth tag length"),
    ],
)
def test_malformed_value_raises_crypto_error(value, message):
    with pytest.raises(crypto.CryptoError, match=message) as exc:
        crypto.decrypt(value)
    if len(value) > 8:
        assert_hides(exc.value, value)


def test_plaintext_token_stored_by_mistake_is_not_echoed():
    """A row holding a raw token (never encrypted) must not leak it in the error."""
    raw_bot_token = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1"
    with pytest.raises(crypto.CryptoError) as exc:
        crypto.decrypt(raw_bot_token)
    assert_hides(exc.value, raw_bot_token, "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1")


@pytest.mark.parametrize("bad_key", ["", "abc", "zz" * 32, "00" * 16])
def test_bad_configured_key_raises_crypto_error(settings, bad_key):
    settings.PLATFORM_TOKEN_SECRET = bad_key
    with pytest.raises(crypto.CryptoError, match="PLATFORM_TOKEN_SECRET") as exc:
        crypto.encrypt(TOKEN)
    assert_hides(exc.value, bad_key)


def test_missing_key_is_key_not_configured(settings):
    settings.PLATFORM_TOKEN_SECRET = ""
    with pytest.raises(crypto.KeyNotConfigured):
        crypto.decrypt(crypto.encrypt(TOKEN, key=bytes.fromhex(NEW_KEY)))


# --- rotation ------------------------------------------------------------------------------------


def test_value_from_an_old_key_decrypts_while_that_key_is_previous(settings):
    settings.PLATFORM_TOKEN_SECRET = OLD_KEY
    settings.PLATFORM_TOKEN_SECRET_PREVIOUS = []
    old_value = crypto.encrypt(TOKEN)

    settings.PLATFORM_TOKEN_SECRET = NEW_KEY
    with pytest.raises(crypto.CryptoError):
        crypto.decrypt(old_value)

    settings.PLATFORM_TOKEN_SECRET_PREVIOUS = [secrets.token_hex(32), OLD_KEY]
    assert crypto.decrypt(old_value) == TOKEN
    assert crypto.needs_rotation(old_value) is True

    new_value = crypto.encrypt(TOKEN)
    assert crypto.needs_rotation(new_value) is False
    assert crypto.decrypt(new_value, key=bytes.fromhex(NEW_KEY)) == TOKEN
    with pytest.raises(crypto.CryptoError):
        crypto.decrypt(new_value, key=bytes.fromhex(OLD_KEY))


def test_needs_rotation_raises_for_a_value_no_key_opens(settings):
    settings.PLATFORM_TOKEN_SECRET = NEW_KEY
    settings.PLATFORM_TOKEN_SECRET_PREVIOUS = [OLD_KEY]
    foreign = crypto.encrypt(TOKEN, key=secrets.token_bytes(32))
    with pytest.raises(crypto.CryptoError) as exc:
        crypto.needs_rotation(foreign)
    assert_hides(exc.value, TOKEN, foreign.split(":")[1])


def test_bad_previous_key_names_its_position_not_its_value(settings):
    settings.PLATFORM_TOKEN_SECRET_PREVIOUS = [OLD_KEY, "0123"]
    with pytest.raises(crypto.CryptoError, match=r"PLATFORM_TOKEN_SECRET_PREVIOUS\[1\]") as exc:
        crypto.decrypt(crypto.encrypt(TOKEN))
    assert_hides(exc.value, "0123")


def test_authentic_value_that_is_not_utf8_raises_crypto_error():
    """UnicodeDecodeError's repr would carry the whole plaintext."""
    iv = os.urandom(12)
    sealed = AESGCM(crypto.current_key()).encrypt(iv, b"\xff" + TOKEN.encode(), None)
    value = f"{iv.hex()}:{sealed[:-16].hex()}:{sealed[-16:].hex()}"
    with pytest.raises(crypto.CryptoError) as exc:
        crypto.decrypt(value)
    assert_hides(exc.value, TOKEN)
