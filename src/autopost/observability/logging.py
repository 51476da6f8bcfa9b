"""structlog set-up: JSON lines in production, console in development.

The event names in ``events`` are a contract for dashboards. A processor drops any value whose key
looks like a secret and masks bot tokens in strings, as a second line of defence: code must not
pass tokens to the logger in the first place.
"""

import logging
import re
import sys

import structlog
from django.conf import settings

SECRET_KEYS = re.compile(r"(token|secret|password|authorization|cookie|csrf)", re.IGNORECASE)
BOT_TOKEN = re.compile(r"\b\d{5,}:[A-Za-z0-9_-]{30,}\b")


def _scrub(value):
    if isinstance(value, str):
        return BOT_TOKEN.sub("***", value)
    return value


def scrub_secrets(logger, method_name, event_dict):
    for key in list(event_dict):
        if SECRET_KEYS.search(key):
            event_dict[key] = "***"
        else:
            event_dict[key] = _scrub(event_dict[key])
    return event_dict


_configured = False


def configure_logging() -> None:
    global _configured
    if _configured:
        return
    _configured = True
    level = getattr(logging, str(settings.LOG_LEVEL).upper(), logging.INFO)
    renderer = (
        structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
        if settings.LOG_FORMAT == "console"
        else structlog.processors.JSONRenderer(ensure_ascii=False)
    )
    shared = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.stdlib.add_logger_name,
    ]
    structlog.configure(
        processors=[*shared, scrub_secrets, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[*shared, structlog.stdlib.ExtraAdder()],
            processors=[
                scrub_secrets,
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                renderer,
            ],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx logs every request URL at INFO, and a Telegram URL holds the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
