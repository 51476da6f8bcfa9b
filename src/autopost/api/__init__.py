"""The JSON API at /api/v1/ (django-ninja; OpenAPI docs at /api/v1/docs).

Contract (docs/architecture.md, "Interfaces other programs rely on"): bearer token or session auth,
errors as ``{"code", "message"}``, every object scoped to its owner (someone else's is 404).
Router modules do not use ``from __future__ import annotations``: ninja resolves parameter
annotations such as ``Query[...]`` at runtime.
"""

from __future__ import annotations

from django.urls import URLPattern, re_path
from ninja import NinjaAPI

from autopost.api import clips, connections, publications
from autopost.api.auth import api_auth
from autopost.api.errors import install_error_handlers, json_method_errors, unknown_path


class AutopostAPI(NinjaAPI):
    def _get_urls(self):
        urls = super()._get_urls()
        # ninja answers a wrong method with a plain-text 405; keep the error shape everywhere.
        for pattern in urls:
            if isinstance(pattern, URLPattern):
                pattern.callback = json_method_errors(pattern.callback)
        # Last: anything else under /api/v1/ is a JSON 404 rather than Django's HTML page.
        urls.append(re_path(r"^.*$", unknown_path))
        return urls


api = AutopostAPI(
    title="autopost",
    version="1",
    description="Публикация клипов в VK Клипы, Rutube, Дзен и Telegram. "
    "Авторизация: `Authorization: Bearer <API-токен>` (выдаёт `autopost createuser --api-token`) "
    "или вход в веб-интерфейс. Ошибки: `{\"code\", \"message\"}` с кодом 4xx.",
    auth=api_auth(),
    urls_namespace="api",
)
install_error_handlers(api)
api.add_router("", clips.router)
api.add_router("", connections.router)
api.add_router("", publications.router)
