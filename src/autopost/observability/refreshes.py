"""Recording token refreshes for ``autopost_token_refreshes_total``."""

from __future__ import annotations

from django.db import transaction

from autopost.observability import totals
from autopost.observability.models import RefreshResult, TokenRefresh


def record_token_refresh(connection, result: RefreshResult, reason: str = "") -> None:
    with transaction.atomic():
        TokenRefresh.objects.create(
            connection_id=connection.pk,
            platform=connection.platform,
            result=result,
            reason=reason[:64],
        )
        totals.add(totals.TOKEN_REFRESHES, connection.platform, result)
