"""Errors the services report to the API and the UI: a stable code, a Russian message, a status."""


class ServiceError(Exception):
    def __init__(self, code: str, message: str, status: int = 400):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"


class NotFound(ServiceError):
    """404: missing, or someone else's (never tell the two apart)."""

    def __init__(self, message: str = "Не найдено"):
        super().__init__("not_found", message, status=404)
