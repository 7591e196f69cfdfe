"""Article keys: one address, one key; IPv6 hosts keep their brackets."""

from __future__ import annotations

import pytest

from newsreader.feeds.urls import BadUrl, check_web_url, normalize_url


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("http://[::1]:8080/a", "http://[::1]:8080/a"),
        ("HTTP://[2001:DB8::1]/a?utm_source=x", "http://[2001:db8::1]/a"),
        ("https://[::1]:443/", "https://[::1]/"),
        ("http://Example.ORG:80/x#top", "http://example.org/x"),
    ],
)
def test_keys_keep_ipv6_brackets(url: str, key: str) -> None:
    assert normalize_url(url) == key
    assert normalize_url(key) == key  # a key is its own key


def test_ipv6_hosts_that_differ_by_port_have_different_keys() -> None:
    assert normalize_url("http://[::1]:81/") != normalize_url("http://[::1:81]/")


def test_addresses_with_control_characters_are_refused_and_shown_inert() -> None:
    with pytest.raises(BadUrl) as caught:
        check_web_url("http://example.org/a\x1b]52;c;eA==\x07b")
    assert "control characters" in str(caught.value)
    assert "\x1b" not in str(caught.value) and "\x07" not in str(caught.value)
