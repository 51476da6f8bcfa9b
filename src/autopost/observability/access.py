"""Who may read /metrics: a bearer token (always), or a client address in the allow-list.

The address is the socket peer (``REMOTE_ADDR``). Behind a reverse proxy that is the proxy, so
there either allow only the proxy's address and let it filter, or use the token.
"""

from __future__ import annotations

import hmac
import ipaddress
from functools import lru_cache

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def parse_networks(cidrs: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(cidr, strict=False) for cidr in cidrs)


def has_token(authorization: str) -> bool:
    expected = settings.METRICS_TOKEN
    scheme, _, presented = authorization.partition(" ")
    return bool(
        expected
        and scheme.lower() == "bearer"
        and hmac.compare_digest(presented.strip().encode(), expected.encode())
    )


def address_allowed(remote_addr: str) -> bool:
    try:
        address = ipaddress.ip_address(remote_addr)
    except ValueError:
        return False
    # A dual-stack listener reports IPv4 clients as ::ffff:a.b.c.d.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return any(address in network for network in parse_networks(tuple(settings.METRICS_ALLOW)))


def may_read_metrics(request) -> bool:
    return has_token(request.headers.get("Authorization", "")) or address_allowed(
        request.META.get("REMOTE_ADDR", "")
    )
