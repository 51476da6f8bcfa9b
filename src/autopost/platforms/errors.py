"""The errors a provider may raise. The publish service maps them to publication state in one place.

    PlatformError
    ├── RateLimited(retry_after_s)   429, Telegram retry_after, VK 6 / 9 / 29: re-delay, no attempt used
    ├── AuthExpired                  401, VK 5 / 1117, invalid_grant: refresh once, else connection expired
    ├── TransientError               5xx, timeouts, connection resets, unparseable replies: retry later
    └── PermanentError(code, msg)    the platform rejects the input (too large, no rights): fail now
        └── ClipFileMissing          the clip's file is gone from storage: fail now

Messages are for people (Russian, shown in the UI); ``code`` is stable for machines. No message,
``repr`` or ``args`` ever holds a token: providers build them from status codes and platform
descriptions only.
"""


class PlatformError(Exception):
    code = "platform_error"

    def __init__(self, message: str = "", *, code: str | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}" if self.message else self.code


class RateLimited(PlatformError):
    code = "rate_limited"

    def __init__(self, retry_after_s: float, message: str = "", *, code: str | None = None):
        super().__init__(
            message or f"Платформа ограничила частоту запросов, повтор через {retry_after_s:g} с",
            code=code,
        )
        self.retry_after_s = max(float(retry_after_s), 0.0)


class AuthExpired(PlatformError):
    code = "token_expired"

    def __init__(self, message: str = "Токен истёк, переподключите платформу", *, code=None):
        super().__init__(message, code=code)


class TransientError(PlatformError):
    code = "platform_unavailable"

    def __init__(self, message: str = "Платформа временно недоступна", *, code=None):
        super().__init__(message, code=code)


class PermanentError(PlatformError):
    code = "platform_rejected"

    def __init__(self, code: str, message: str):
        super().__init__(message, code=code)


class ClipFileMissing(PermanentError):
    def __init__(self):
        super().__init__("clip_file_missing", "Файл клипа не найден")
