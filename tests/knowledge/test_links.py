"""Source links: http(s) only, optionally only on allowed domains; sites by registrable domain."""

from __future__ import annotations

from knowledge.links import ContentPolicy, host_of, real_domain, site_of


def test_only_http_links_can_be_sources() -> None:
    policy = ContentPolicy()
    assert policy.source_problem("https://ec.europa.eu/x") is None
    assert policy.source_problem("http://eurocities.eu/x") is None
    for bad in ("javascript:alert(1)//", "file:///srv/notes.txt", "data:text/html,hi", "ftp://x.eu", "", "x"):
        assert policy.source_problem(bad), bad


def test_the_allow_list_admits_its_domains_and_their_subdomains() -> None:
    policy = ContentPolicy(source_domains=" europa.eu, Sinnergiak.org ,")
    assert policy.source_domains == ("europa.eu", "sinnergiak.org")
    assert policy.source_problem("https://social-economy-gateway.ec.europa.eu/") is None
    assert policy.source_problem("https://sinnergiak.org/2018/") is None
    assert "ESER_SOURCE_DOMAINS" in (policy.source_problem("https://evil-europa.eu/") or "")
    assert policy.source_problem("https://europa.eu.evil.example/") is not None


def test_sites_are_registrable_domains() -> None:
    assert site_of("social-economy-gateway.ec.europa.eu") == "europa.eu"
    assert site_of("www.mites.gob.es") == "mites.gob.es"
    assert site_of("127.0.0.1") == "127.0.0.1"
    assert host_of("HTTPS://Www.Example.org:8443/a") == "www.example.org"
    assert host_of("javascript:alert(1)") is None


def test_links_to_the_documents_own_sites_and_the_network_are_allowed() -> None:
    policy = ContentPolicy(source_domains=("eurocities.eu",))
    assert policy.allowed_host("www.sinnergiak.org", {"sinnergiak.org"})
    assert policy.allowed_host("ec.europa.eu", set())  # the network's home: the Commission
    assert policy.allowed_host("news.eurocities.eu", set())
    assert not policy.allowed_host("evil.example", {"sinnergiak.org"})


def test_real_domains_need_a_real_suffix() -> None:
    assert real_domain("eser.eu") and not real_domain("node.js") and not real_domain("evil.example")
