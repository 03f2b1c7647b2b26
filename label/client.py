"""The address of the client, the one function every part of the portal asks.

django-axes (AXES_CLIENT_IP_CALLABLE), the rate limits (label/ratelimit.py) and the audit
trail (label/audit.py) all call ``client_ip``, so a deployment behind reverse proxies sets
one thing, TRUSTED_PROXY_COUNT, and the lockout, the counters and the trail agree.

- ``TRUSTED_PROXY_COUNT = 0`` (the default): the portal is reached directly; REMOTE_ADDR is
  the client and X-Forwarded-For is ignored, since anyone can write it.
- ``TRUSTED_PROXY_COUNT = N``: N proxies of ours stand in front, each appending the address
  it received the request from to X-Forwarded-For. The N-th address from the right is then
  the one the outermost proxy of ours saw: the client. Whatever the client wrote itself sits
  further left and is never believed.

django-ipware's own ``proxy_count`` expects the header to hold exactly the client plus N
proxies and answers None as soon as a client sends a header of its own, which would put
every such client in one shared bucket; counting from the right keeps them apart.
"""

import ipaddress

from django.conf import settings


def _valid(address):
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request):
    """The address of the client of ``request`` (a string), or None when none can be told.

    Reads REMOTE_ADDR, or with TRUSTED_PROXY_COUNT = N the N-th address from the right of
    X-Forwarded-For (REMOTE_ADDR when the header is shorter: the request did not come through
    every proxy of ours).
    """
    meta = getattr(request, "META", None) or {}
    remote = _valid(meta.get("REMOTE_ADDR") or "")
    count = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if count <= 0:
        return remote
    chain = [item for item in (meta.get("HTTP_X_FORWARDED_FOR") or "").split(",") if item.strip()]
    if len(chain) < count:
        return remote
    return _valid(chain[-count])
