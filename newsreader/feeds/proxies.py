"""Which proxy a request goes through, from the environment as curl reads it.

``http_proxy`` for http:// addresses, ``https_proxy`` for https://, ``all_proxy`` for both
when the other is unset; each also in capitals, the lower-case one winning when both are
set (curl reads only the lower-case ``http_proxy``; Python's libraries read both, and so do
we). ``no_proxy`` lists hosts reached directly: ``*`` for all, names (``example.org`` also
covers its subdomains; a leading dot is the same), IP addresses and CIDR ranges, each
optionally with ``:port``. A proxy address without a scheme is taken as http://.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from newsreader.library.text import clean_line


class BadProxy(ValueError):
    """A proxy setting that cannot be used; ``str(error)`` names the variable and why."""


@dataclass(frozen=True, slots=True)
class Proxy:
    """One proxy: where to connect, and the credentials to send it, if any."""

    url: str
    """``scheme://host:port`` without credentials."""
    host: str
    port: int
    auth: str | None = None
    """``user:password`` for Basic proxy authentication."""
    variable: str = ""
    """The environment variable it came from (for messages)."""

    @property
    def shown(self) -> str:
        """The proxy as messages name it: never with its password."""
        return f"{self.host}:{self.port}"


@dataclass(frozen=True, slots=True)
class ProxySettings:
    """The proxies of one environment; ``for_url`` picks the one for an address."""

    http: Proxy | BadProxy | None = None
    https: Proxy | BadProxy | None = None
    no_proxy: tuple[str, ...] = ()

    def for_url(self, url: str) -> Proxy | None:
        """The proxy for ``url``, or None to connect directly; BadProxy when the setting
        that applies cannot be used."""
        parts = urlsplit(url)
        chosen = self.https if parts.scheme.lower() == "https" else self.http
        if chosen is None or self.bypassed(parts.hostname or "", parts.port):
            return None
        if isinstance(chosen, BadProxy):
            raise chosen
        return chosen

    def bypassed(self, host: str, port: int | None) -> bool:
        """True when ``no_proxy`` names this host (and port)."""
        host = host.lower().rstrip(".")
        for entry in self.no_proxy:
            if entry == "*":
                return True
            name, want_port = _split_port(entry)
            if want_port is not None and want_port != port:
                continue
            if _host_matches(host, name):
                return True
        return False


def proxy_settings(env: Mapping[str, str] | None = None) -> ProxySettings:
    """The proxy settings of ``env`` (default: this process's environment)."""
    env = os.environ if env is None else env

    def pick(name: str) -> tuple[str, str] | None:
        for variable in (name.lower(), name.upper()):
            value = env.get(variable, "").strip()
            if value:
                return variable, value
        return None

    fallback = pick("all_proxy")
    http = pick("http_proxy") or fallback
    https = pick("https_proxy") or fallback
    no_proxy = pick("no_proxy")
    entries = no_proxy[1].replace(" ", ",").split(",") if no_proxy else []
    return ProxySettings(
        http=_parse(*http) if http else None,
        https=_parse(*https) if https else None,
        no_proxy=tuple(e.strip().lower() for e in entries if e.strip()),
    )


def _parse(variable: str, value: str) -> Proxy | BadProxy:
    text = value if "://" in value else f"http://{value}"
    shown = clean_line(value.rpartition("@")[2], 100)  # never echo a password
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return BadProxy(f"{variable}: not a proxy address ({shown})")
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        return BadProxy(f"{variable}: {scheme} proxies are not supported, only http and https")
    if not parts.hostname:
        return BadProxy(f"{variable}: not a proxy address ({shown})")
    host = parts.hostname.lower()
    port = port or (443 if scheme == "https" else 80)
    netloc = f"[{host}]" if ":" in host else host
    auth = None
    if parts.username is not None:
        auth = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
    return Proxy(f"{scheme}://{netloc}:{port}", host, port, auth, variable)


def _split_port(entry: str) -> tuple[str, int | None]:
    if entry.startswith("["):  # [::1]:8080
        host, _, rest = entry[1:].partition("]")
        return host, int(rest[1:]) if rest[1:].isdigit() else None
    if entry.count(":") == 1:
        host, _, port = entry.partition(":")
        return host, int(port) if port.isdigit() else None
    return entry, None


def _host_matches(host: str, entry: str) -> bool:
    entry = entry.lstrip(".").rstrip(".")
    if not entry:
        return False
    if "/" in entry:  # a CIDR range: only addresses written as addresses fall in it
        try:
            return ipaddress.ip_address(host) in ipaddress.ip_network(entry, strict=False)
        except ValueError:
            return False
    return host == entry or host.endswith("." + entry)
