"""Every API error has one shape: ``{"code": "<stable_code>", "message": "<Russian text>"}``.

Handlers here turn service errors, ninja's validation and HTTP errors, Django's 404 and unknown
paths / methods into that shape, and hide unexpected exceptions behind ``internal_error`` (the
traceback goes to the log, never to the client).
"""

from __future__ import annotations

import functools

import structlog
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from autopost.publishing.errors import ServiceError

logger = structlog.get_logger(__name__)

# Stable codes for ninja's and Django's own HTTP errors.
HTTP_CODES = {
    # ninja raises a bare 400 only when it cannot parse the body at all.
    400: ("bad_request", "Не удалось разобрать тело запроса: нужен корректный JSON или multipart"),
    401: ("unauthorized", "Нужна авторизация: Authorization: Bearer <API-токен> или вход"),
    403: ("forbidden", "Доступ запрещён"),
    404: ("not_found", "Не найдено"),
    405: ("method_not_allowed", "Метод не поддерживается для этого адреса"),
    413: ("file_too_large", "Запрос слишком большой"),
    429: ("rate_limited", "Слишком много запросов, попробуйте позже"),
}

# Russian wording for the pydantic error types a client is likely to trigger.
VALIDATION_MESSAGES = {
    "missing": "обязательное поле",
    "int_parsing": "ожидается целое число",
    "int_type": "ожидается целое число",
    "string_type": "ожидается строка",
    "list_type": "ожидается список",
    "bool_parsing": "ожидается true или false",
    "datetime_parsing": "ожидается дата и время в формате ISO-8601",
    "datetime_from_date_parsing": "ожидается дата и время в формате ISO-8601",
    "datetime_type": "ожидается дата и время в формате ISO-8601",
    "enum": "недопустимое значение",
    "literal_error": "недопустимое значение",
    "json_invalid": "тело запроса не является корректным JSON",
    "model_attributes_type": "ожидается JSON-объект",
    "dict_type": "ожидается JSON-объект",
    "string_too_long": "слишком длинная строка",
    "greater_than_equal": "значение слишком маленькое",
    "less_than_equal": "значение слишком большое",
}
# Where ninja says the value came from; not part of the field name a client knows.
_SOURCES = {"body", "query", "path", "form", "file", "header", "cookie"}


def error_response(code: str, message: str, status: int) -> JsonResponse:
    # UTF-8 like ninja's own responses, so the Russian text is readable in raw output too.
    return JsonResponse(
        {"code": code, "message": message}, status=status, json_dumps_params={"ensure_ascii": False}
    )


def http_error_response(status: int, message: str | None = None) -> JsonResponse:
    code, default = HTTP_CODES.get(status, ("error", "Ошибка запроса"))
    return error_response(code, message or default, status)


def validation_message(errors: list[dict]) -> str:
    """``Поле «targets.0»: ожидается целое число; …`` — which field and what is wrong with it."""
    parts = []
    for error in errors[:5]:
        loc = [str(p) for p in error.get("loc", ())]
        if loc and loc[0] in _SOURCES:
            loc = loc[1:]
        # ninja nests a body schema under its parameter name ("payload"); clients never see it.
        if len(loc) > 1 and loc[0] == "payload":
            loc = loc[1:]
        kind = error.get("type", "")
        text = VALIDATION_MESSAGES.get(kind) or error.get("msg") or "недопустимое значение"
        if kind == "json_invalid":
            parts.append(text)
        else:
            parts.append(f"Поле «{'.'.join(loc) or 'body'}»: {text}")
    return "; ".join(parts) or "Некорректные данные запроса"


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(ServiceError)
    def service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
        return error_response(exc.code, exc.message, exc.status)

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return error_response("validation_error", validation_message(exc.errors), 400)

    @api.exception_handler(AuthenticationError)
    def unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return http_error_response(401)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        # ninja's own messages are English and generic; the status decides our code and text.
        return http_error_response(exc.status_code)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return http_error_response(404)

    @api.exception_handler(SuspiciousOperation)
    def bad_request(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
        # e.g. RequestDataTooBig or a malformed multipart body: the client's fault, say so briefly.
        return http_error_response(400)

    @api.exception_handler(Exception)
    def unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("api_unhandled_error", path=request.path, method=request.method)
        return error_response("internal_error", "Внутренняя ошибка сервера", 500)


def unknown_path(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    """The API's catch-all: an unknown address under /api/v1/ answers JSON, not Django's HTML."""
    return http_error_response(404, "Адрес API не найден")


unknown_path.csrf_exempt = True  # type: ignore[attr-defined]


def json_method_errors(view):
    """Rewrites ninja's plain-text 405 into the error shape (keeping the Allow header)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and "json" not in response.get("Content-Type", ""):
            allowed = response.get("Allow", "")
            response = http_error_response(405)
            if allowed:
                response["Allow"] = allowed
        return response

    return wrapper

