"""Small readers for environment settings that fail loudly on bad values.

A value can also come from a file named by ``<NAME>_FILE`` (container secrets).
"""

import os

from django.core.exceptions import ImproperlyConfigured


def env(name: str, default: str | None = None) -> str | None:
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        with open(file_name, encoding="utf-8") as fh:
            return fh.read().strip()
    return os.environ.get(name, default)


def envbool(name: str, default: bool) -> bool:
    value = env(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {value!r}")


def envint(name: str, default: int) -> int:
    value = env(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from None


def envfloat(name: str, default: float) -> float:
    value = env(name)
    if value is None or value == "":
        return default
    try:
        return float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, got {value!r}") from None


def envints(name: str, default: str) -> list[int]:
    value = env(name) or default
    try:
        numbers = [int(part) for part in value.split(",") if part.strip()]
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} must be comma-separated whole seconds, got {value!r}"
        ) from None
    if any(n < 0 for n in numbers):
        raise ImproperlyConfigured(f"{name} must not contain negative delays, got {value!r}")
    return numbers
