from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.views.decorators.http import require_GET
# 0.0.4, not the newer default: Prometheus 2 servers (e.g. Debian 12's) parse it, and our names are
# plain ASCII anyway.
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4

from autopost.observability import metrics
from autopost.observability.access import may_read_metrics
from autopost.observability.health import readiness


@require_GET
def metrics_view(request):
    if not may_read_metrics(request):
        if settings.METRICS_TOKEN:
            response = HttpResponse(
                "a valid bearer token is required\n", status=401, content_type="text/plain"
            )
            response["WWW-Authenticate"] = 'Bearer realm="metrics"'
            return response
        return HttpResponse(
            "this address is not in AUTOPOST_METRICS_ALLOW and no AUTOPOST_METRICS_TOKEN is set\n",
            status=403,
            content_type="text/plain",
        )
    return HttpResponse(metrics.render(), content_type=CONTENT_TYPE_PLAIN_0_0_4)


@require_GET
def readyz(request):
    ready, checks = readiness()
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503
    )
