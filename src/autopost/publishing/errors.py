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
    def __init__(self, what: str = "Объект"):
        super().__init__("not_found", f"{what} не найден", status=404)
