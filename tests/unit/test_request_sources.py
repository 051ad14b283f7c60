"""Who sent a request: the peer, or what a trusted proxy says; Content-Encoding named once."""

from ipaddress import ip_address, ip_network

import pytest
from multidict import CIMultiDict

from service.bodies import identity
from service.sources import forwarded_for

PROXY = (ip_network("10.0.0.0/24"),)
HAPROXY, CLIENT = ip_address("10.0.0.5"), ip_address("203.0.113.7")


def headers(*pairs: tuple[str, str]) -> CIMultiDict[str]:
    return CIMultiDict(pairs)


def test_x_forwarded_for_counts_only_from_a_trusted_proxy() -> None:
    sent = headers(("X-Forwarded-For", "198.51.100.1"))
    assert forwarded_for(CLIENT, sent, PROXY) == CLIENT
    assert forwarded_for(CLIENT, sent, ()) == CLIENT
    assert forwarded_for(HAPROXY, sent, ()) == HAPROXY  # no TRUSTED_PROXIES: the peer


def test_the_entry_the_proxy_added_wins_over_what_the_client_wrote() -> None:
    # HAProxy appends its own header line after whatever the client sent.
    sent = headers(("X-Forwarded-For", "198.51.100.1, 1.2.3.4"), ("X-Forwarded-For", str(CLIENT)))
    assert forwarded_for(HAPROXY, sent, PROXY) == CLIENT
    assert (
        forwarded_for(HAPROXY, headers(("X-Forwarded-For", f"1.2.3.4, {CLIENT}")), PROXY) == CLIENT
    )


def test_a_chain_of_trusted_proxies_is_walked_and_garbage_is_nobody() -> None:
    chained = headers(("X-Forwarded-For", f"{CLIENT}, 10.0.0.9"))
    assert forwarded_for(HAPROXY, chained, PROXY) == CLIENT
    assert forwarded_for(HAPROXY, headers(("X-Forwarded-For", "not-an-ip")), PROXY) is None
    assert forwarded_for(HAPROXY, headers(), PROXY) == HAPROXY


@pytest.mark.parametrize(
    "encodings",
    [[], ["identity"], [""], ["IDENTITY "]],
)
def test_a_body_sent_as_it_is_passes(encodings: list[str]) -> None:
    assert identity(headers(*(("Content-Encoding", e) for e in encodings)))


@pytest.mark.parametrize(
    "encodings",
    [["gzip"], ["identity", "gzip"], ["gzip", "identity"], ["identity, gzip"],
     ["identity", "identity"], ["deflate"], ["br"], ["identity,"]],
)  # fmt: skip
def test_any_encoding_or_more_than_one_named_is_refused(encodings: list[str]) -> None:
    assert not identity(headers(*(("Content-Encoding", e) for e in encodings)))
