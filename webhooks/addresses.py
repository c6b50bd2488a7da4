"""Which addresses a webhook may be sent to: public ones only, unless settings allow private.

Plain Python. A host is checked by every address it resolves to, at registration and again
before each attempt, so a name that later points into the private network is caught then.
"""

import ipaddress
import socket

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def is_public(address: IPAddress) -> bool:
    """An address on the public internet: not private, loopback, link-local, reserved,
    shared (100.64/10), multicast or unspecified."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def resolve(host: str, port: int | None) -> list[IPAddress]:
    """Every address the host resolves to; an empty list when it does not resolve."""
    try:
        found = socket.getaddrinfo(host, port or 443, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        return []
    # The scope of an IPv6 link-local address ("fe80::1%eth0") is not part of the address.
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in found]


def refusal(host: str, port: int | None, *, allow_private: bool) -> str | None:
    """Why a request to this host is refused (a code), or None when it may be sent."""
    addresses = resolve(host, port)
    if not addresses:
        return "unresolvable"
    if not allow_private and not all(is_public(address) for address in addresses):
        return "private"
    return None
