from django.conf import settings
from django.core import checks

from autopost import crypto


@checks.register(checks.Tags.security)
def check_token_key(app_configs, **kwargs):
    """Refuse to start without a usable token key (with DEBUG one is generated instead)."""
    if not settings.PLATFORM_TOKEN_SECRET:
        return [
            checks.Error(
                "PLATFORM_TOKEN_SECRET is not set; platform tokens cannot be encrypted.",
                hint="Generate one with: python -c 'import secrets; print(secrets.token_hex(32))'",
                id="autopost.E001",
            )
        ]
    try:
        crypto.decryption_keys()
    except crypto.CryptoError as exc:
        return [checks.Error(str(exc), id="autopost.E002")]
    return []
