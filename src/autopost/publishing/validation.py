"""Per-target checks before a publication is created. Each problem is a stable code and a
Russian message; one target's problem never blocks the others."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

from autopost.accounts.plans import Plan
from autopost.clips.models import Clip
from autopost.connections.models import ConnectionStatus, PlatformConnection
from autopost.platforms import get_provider, is_available, platform_label

MB = 1024 * 1024


@dataclass(frozen=True)
class Problem:
    code: str
    message: str


def _megabytes(size: int) -> str:
    return f"{size // MB} МБ" if size % MB == 0 else f"{size / MB:.1f} МБ"


def public_url_is_reachable() -> bool:
    """False for a loopback, private or link-local host (or a bare name like ``localhost``)."""
    host = urlsplit(settings.PUBLIC_URL).hostname or ""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return "." in host and host != "localhost" and not host.endswith((".local", ".internal", ".lan"))
    return address.is_global


def check_target(user, clip: Clip, connection: PlatformConnection) -> Problem | None:
    platform = connection.platform
    label = platform_label(platform)
    if not is_available(platform):
        return Problem("platform_unavailable", f"Публикация в {label} пока недоступна")
    if not user.can_publish_to(platform):
        if user.plan == Plan.FREE:
            return Problem(
                "plan_forbids_platform",
                "На тарифе Free публикация недоступна: выберите тариф Start или выше",
            )
        return Problem(
            "plan_forbids_platform",
            f"Ваш тариф не включает публикацию в {label}: перейдите на тариф Pro",
        )
    if connection.status == ConnectionStatus.EXPIRED:
        return Problem("connection_expired", "Токен истёк, переподключите платформу")
    if connection.status != ConnectionStatus.ACTIVE:
        return Problem("connection_revoked", f"{label} отключён: подключите платформу заново")
    if not clip.is_ready:
        return Problem("clip_not_ready", "Клип ещё не готов к публикации")
    provider = get_provider(platform)
    if provider.capabilities.url_pull and not settings.SANDBOX and not public_url_is_reachable():
        return Problem(
            "public_url_unreachable",
            f"{label} скачивает клип по ссылке, а AUTOPOST_PUBLIC_URL ({settings.PUBLIC_URL}) "
            "недоступен из интернета: укажите публичный адрес сервиса",
        )
    limits = provider.limits()
    if limits.max_file_size is not None and clip.size > limits.max_file_size:
        return Problem(
            "file_too_large",
            f"Файл слишком большой для {label} (максимум {_megabytes(limits.max_file_size)})",
        )
    if limits.max_duration_s is not None and (clip.duration or 0) > limits.max_duration_s:
        return Problem(
            "clip_too_long",
            f"Клип слишком длинный для {label} (максимум {limits.max_duration_s:g} с)",
        )
    if limits.max_title_chars is not None and len(clip.title) > limits.max_title_chars:
        return Problem(
            "title_too_long",
            f"Название слишком длинное для {label} (максимум {limits.max_title_chars} символов)",
        )
    if limits.containers is not None and clip.container not in limits.containers:
        formats = ", ".join(sorted(limits.containers)).upper()
        return Problem("unsupported_format", f"{label} принимает только {formats}")
    return None
