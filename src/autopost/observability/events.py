"""Log event names: a contract for dashboards (docs/architecture.md, Observability)."""

PUBLISH_JOB_START = "publish_job_start"
PUBLISH_JOB_SUCCESS = "publish_job_success"
PUBLISH_JOB_FAILED = "publish_job_failed"
PUBLISH_JOB_RETRY = "publish_job_retry"
TOKEN_REFRESH_SUCCESS = "token_refresh_success"
TOKEN_REFRESH_FAILED = "token_refresh_failed"
PLATFORM_CONNECTED = "platform_connected"
PLATFORM_DISCONNECTED = "platform_disconnected"
STATS_SYNC_COMPLETE = "stats_sync_complete"
# Due work no worker claimed within AUTOPOST_WATCHDOG_SECONDS (publishing/watchdog.py).
PUBLICATION_UNCLAIMED = "publication_unclaimed"
