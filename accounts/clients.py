"""Who is asking: the client's address as the front proxy reports it.

One rule for every per-address limit (failed logins, the public tip form): behind
QINGLING_TRUSTED_PROXY_HOPS proxies the client is the entry that many hops from the right of
X-Forwarded-For; with no trusted hops (the default) the header is ignored, since anyone can send it.
"""

import ipaddress

from django.conf import settings


def _is_address(text):
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def client_address(request):
    """The caller's IP address, or None when the request carries none."""
    remote = request.META.get("REMOTE_ADDR") or None
    hops = int(getattr(settings, "QINGLING_TRUSTED_PROXY_HOPS", 0) or 0)
    if hops <= 0:
        return remote
    forwarded = [
        entry.strip()
        for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if entry.strip()
    ]
    if not forwarded:
        return remote
    # Each trusted proxy appends the address it saw, so the rightmost `hops` entries are
    # trustworthy and anything further left was written by the client. Fewer entries than
    # hops means a proxy was bypassed: take the leftmost, as Django REST framework does.
    candidate = forwarded[-min(hops, len(forwarded))]
    # A proxy writing something other than an address is a misconfiguration; fall back
    # to the peer rather than key a limit on free text.
    return candidate if _is_address(candidate) else remote
