"""Who sent a request, and over what: the peer's address, or what a proxy in TRUSTED_PROXIES
says it saw (X-Forwarded-For, X-Forwarded-Proto). A header from anyone else is ignored."""

from ipaddress import IPv4Address, IPv6Address, ip_address

from aiohttp import web
from multidict import MultiMapping

from service.variables import Networks

Address = IPv4Address | IPv6Address


def parsed(text: str | None) -> Address | None:
    """An address, or None for anything that is not one."""
    try:
        return ip_address((text or "").strip().removeprefix("[").removesuffix("]"))
    except ValueError:
        return None


def within(address: Address | None, networks: Networks) -> bool:
    """True when the address is in one of the networks."""
    return address is not None and any(address in network for network in networks)


def forwarded_for(
    peer: Address | None, headers: MultiMapping[str], trusted: Networks
) -> Address | None:
    """The client: walking X-Forwarded-For from the right (the entry the nearest proxy
    added), the first address that is not a trusted proxy. Only a trusted peer's header
    counts; an entry that is not an address ends the walk (None: unknown)."""
    if not within(peer, trusted):
        return peer
    entries = ",".join(headers.getall("X-Forwarded-For", [])).split(",")
    client = peer
    for entry in reversed([e for e in entries if e.strip()]):
        client = parsed(entry)
        if not within(client, trusted):
            return client
    return client


def client_address(request: web.Request, trusted: Networks) -> Address | None:
    """The address that sent this request, through trusted proxies."""
    return forwarded_for(parsed(request.remote), request.headers, trusted)


def over_tls(request: web.Request, trusted: Networks) -> bool:
    """True for HTTPS here, or a trusted proxy's X-Forwarded-Proto: https (its last value)."""
    if request.secure:
        return True
    if not within(parsed(request.remote), trusted):
        return False
    sent = ",".join(request.headers.getall("X-Forwarded-Proto", [])).split(",")
    return sent[-1].strip().lower() == "https"
