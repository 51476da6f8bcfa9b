"""structlog set-up: JSON lines in production, console in development.

The event names in ``events`` are a contract for dashboards. A processor drops any value whose key
looks like a secret (also in nested dicts) and masks bot tokens, ``token=`` query parameters and
bearer credentials in any text, tracebacks included, as a second line of defence: code must not
pass tokens to the logger in the first place.
"""

import logging
import re
import sys

import structlog
from django.conf import settings

SECRET_KEYS = re.compile(r"(token|secret|password|authorization|cookie|csrf)", re.IGNORECASE)
# In strings: Telegram bot tokens (also inside ".../bot<token>/..." URLs), secrets in query
# strings (VK sends access_token=... in the URL) and bearer credentials.
SECRET_PATTERNS = [
    (re.compile(r"(?<![0-9])[0-9]{5,}:[A-Za-z0-9_-]{30,}"), "***"),
    (
        re.compile(
            r"\b((?:access_|refresh_|bot_)?token|client_secret|password|code_verifier)=[^&\s\"']+",
            re.IGNORECASE,
        ),
        r"\1=***",
    ),
    (re.compile(r"\b(Bearer)\s+[^\s\"',;]+", re.IGNORECASE), r"\1 ***"),
]
_PLAIN = (int, float, bool, type(None))


def _scrub(value):
    if isinstance(value, str):
        for pattern, replacement in SECRET_PATTERNS:
            value = pattern.sub(replacement, value)
        return value
    if isinstance(value, _PLAIN):
        return value
    if isinstance(value, dict):
        return {k: "***" if SECRET_KEYS.search(str(k)) else _scrub(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_scrub(item) for item in value]
    # Exceptions, URLs and other objects are rendered as text anyway: scrub that text.
    return _scrub(str(value))


def scrub_secrets(logger, method_name, event_dict):
    for key in list(event_dict):
        # ProcessorFormatter's own entries, and exc_info, which format_exc_info turns into text
        # (scrubbed then) in the handler's formatter.
        if key.startswith("_") or key in ("exc_info", "stack_info"):
            continue
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
                # Tracebacks become text before scrubbing: exception messages often hold URLs.
                structlog.processors.format_exc_info,
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
