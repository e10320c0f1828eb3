"""Which links may reach a member: http(s) only, optionally only on allowed domains; and the links
the bot gives itself (``HelpLinks``, from the configuration).

A "site" is a host's registrable domain from the Public Suffix List (``ec.europa.eu`` and
``social-economy-gateway.ec.europa.eu`` are both ``europa.eu``; ``www.mites.gob.es`` is
``mites.gob.es``, not ``gob.es``). Guessing it from the last two labels gets ``gob.es`` or ``co.uk``
wrong, hence the ``publicsuffixlist`` package, which ships the list (nothing is fetched).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from publicsuffixlist import PublicSuffixList
from pydantic import BaseModel, field_validator

DEFAULT_MAX_FILE_BYTES = 2_000_000
# The network's own site: ESER is run by the European Commission, and the bot itself sends members
# to the Social Economy Gateway and the DG GROW page there. Links to it are never "foreign".
HOME_DOMAINS = ("europa.eu",)


@dataclass(frozen=True)
class HelpLinks:
    """Where the bot sends members it cannot answer: configuration (``ESER_GATEWAY_URL``,
    ``ESER_PAGE_URL``), never knowledge. Empty links name no page (benchmarks only).

    Attributes:
        gateway: The Social Economy Gateway; also the link of an event that gives none of its own.
        eser: The ESER page of record (how to join).
    """

    gateway: str
    eser: str


@lru_cache(maxsize=2)
def _suffix_list(accept_unknown: bool = True) -> PublicSuffixList:
    # Parsing the list takes ~0.1 s: once per process, on first use.
    return PublicSuffixList(accept_unknown=accept_unknown)


def real_domain(name: str) -> bool:
    """Whether ``name`` ends in a real public suffix (``evil.example`` no, ``node.js`` no, ``x.eu`` yes)."""
    return _suffix_list(accept_unknown=False).privatesuffix(name.rstrip(".").lower()) is not None


def host_of(url: str) -> str | None:
    """The lower-case host of an absolute http(s) URL, or None when the URL is not one."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    return host.rstrip(".").lower() or None


@lru_cache(maxsize=4096)
def site_of(host: str) -> str:
    """The registrable domain of ``host`` (the IP address itself for an IP)."""
    host = host.rstrip(".").lower()
    try:
        ipaddress.ip_address(host.strip("[]"))
        return host
    except ValueError:
        pass
    return _suffix_list().privatesuffix(host) or host


def under(host: str, domain: str) -> bool:
    """Whether ``host`` is ``domain`` or one of its subdomains."""
    return host == domain or host.endswith("." + domain)


class ContentPolicy(BaseModel, frozen=True):
    """What content may contain, from the settings.

    Attributes:
        source_domains: When not empty, the only domains (and their subdomains) a source link may
            point at (``ESER_SOURCE_DOMAINS``).
        max_file_bytes: Largest file read, in bytes (``ESER_MAX_FILE_BYTES``); a PDF may be ten
            times larger, its extracted text not.
    """

    source_domains: tuple[str, ...] = ()
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES

    @field_validator("source_domains", mode="before")
    @classmethod
    def _normalise(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.split(",")
        if isinstance(value, Iterable):
            return tuple(
                str(item).strip().lower().strip(".").removeprefix("*.") for item in value if str(item).strip()
            )
        return value

    @classmethod
    def from_settings(cls, settings: object) -> ContentPolicy:
        """The policy of a ``bot.settings.Settings`` (``source_domains``, ``max_file_bytes``)."""
        return cls(
            source_domains=getattr(settings, "source_domains", ()),
            max_file_bytes=getattr(settings, "max_file_bytes", DEFAULT_MAX_FILE_BYTES),
        )

    def source_problem(self, url: str) -> str | None:
        """Why ``url`` cannot be a citation link, or None when it can."""
        host = host_of(url)
        if host is None:
            return f"not an http(s) link: {url.strip()[:80]!r}"
        if self.source_domains and not any(under(host, domain) for domain in self.source_domains):
            return f"{host} is not in ESER_SOURCE_DOMAINS"
        return None

    def allowed_host(self, host: str, own_sites: Iterable[str]) -> bool:
        """Whether a link to ``host`` may stay in a document whose own sources are ``own_sites``."""
        host = host.rstrip(".").lower()
        trusted = (*self.source_domains, *HOME_DOMAINS)
        return site_of(host) in set(own_sites) or any(under(host, domain) for domain in trusted)
