"""Recording token refreshes for ``autopost_token_refreshes_total``."""

from __future__ import annotations

from autopost.observability.models import RefreshResult, TokenRefresh


def record_token_refresh(connection, result: RefreshResult, reason: str = "") -> None:
    TokenRefresh.objects.create(
        connection_id=connection.pk, platform=connection.platform, result=result, reason=reason[:64]
    )
