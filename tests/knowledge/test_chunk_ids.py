"""Stable chunk ids and content hashes: the same input always gives the same id and hash, and any
change to what is embedded or stored gives a new hash."""

from __future__ import annotations

import re

from knowledge.chunk_ids import content_hash, id_prefix, root_tag
from knowledge.chunking import chunk_document
from knowledge.documents import SourceDocument
from tests.knowledge.conftest import RESOURCE

HEX = re.compile(r"[0-9a-f]+")


def document(doc_id: str = "resources/page.md", source_root: str = "", text: str = "") -> SourceDocument:
    return SourceDocument(
        doc_id=doc_id,
        kind="resource",
        title="Test page",
        url="https://example.org/page",
        text=text or RESOURCE.format(topic="membership", slug="page"),
        source_root=source_root,
    )


def test_content_hash_is_sixteen_hex_digits_and_stable() -> None:
    first = content_hash("ESER has members.", {"language": "en", "kind": "resource"})
    again = content_hash("ESER has members.", {"language": "en", "kind": "resource"})
    assert first == again
    assert len(first) == 16 and HEX.fullmatch(first)


def test_content_hash_changes_with_the_text() -> None:
    metadata: dict[str, str | int | float | bool] = {"language": "en"}
    assert content_hash("ESER has members.", metadata) != content_hash("ESER has member.", metadata)


def test_content_hash_changes_with_any_metadata_value_or_key() -> None:
    base = content_hash("text", {"language": "en", "url": "https://a.example"})
    assert content_hash("text", {"language": "fr", "url": "https://a.example"}) != base
    assert content_hash("text", {"language": "en", "url": "https://b.example"}) != base
    assert content_hash("text", {"language": "en", "url": "https://a.example", "extra": True}) != base
    assert content_hash("text", {"language": "en"}) != base


def test_content_hash_ignores_the_order_of_the_metadata() -> None:
    assert content_hash("text", {"a": "1", "b": 2}) == content_hash("text", {"b": 2, "a": "1"})


def test_content_hash_tells_a_number_from_its_string() -> None:
    assert content_hash("text", {"year": 2025}) != content_hash("text", {"year": "2025"})


def test_root_tag_is_empty_without_a_root() -> None:
    assert root_tag("") == ""


def test_root_tag_is_short_stable_and_distinct_per_root() -> None:
    one = root_tag("/srv/content")
    assert one == root_tag("/srv/content")
    assert len(one) == 6 and HEX.fullmatch(one)
    assert root_tag("/srv/other-content") != one


def test_id_prefix_is_the_doc_id_for_a_document_without_a_root() -> None:
    assert id_prefix(document()) == "resources/page.md"


def test_id_prefix_puts_the_root_tag_before_the_doc_id() -> None:
    doc = document(source_root="/srv/content")
    assert id_prefix(doc) == f"{root_tag('/srv/content')}/resources/page.md"


def test_two_roots_holding_the_same_path_never_share_an_id_prefix() -> None:
    one = id_prefix(document(source_root="/srv/a"))
    two = id_prefix(document(source_root="/srv/b"))
    assert one != two
    assert one.endswith("/resources/page.md") and two.endswith("/resources/page.md")


def test_every_chunk_id_of_a_document_starts_with_its_prefix() -> None:
    doc = document(source_root="/srv/content")
    chunks = chunk_document(doc)
    assert len(chunks) >= 3
    assert all(chunk.id.startswith(id_prefix(doc) + "::") for chunk in chunks)
    assert len({chunk.id for chunk in chunks}) == len(chunks)


def test_chunk_hashes_are_the_content_hash_of_their_text_and_metadata() -> None:
    for chunk in chunk_document(document()):
        metadata = {key: value for key, value in chunk.metadata.items() if key != "hash"}
        assert chunk.metadata["hash"] == content_hash(chunk.text, metadata)


def test_editing_one_section_changes_only_that_sections_hash() -> None:
    before = {chunk.id: chunk.metadata["hash"] for chunk in chunk_document(document())}
    edited_text = RESOURCE.format(topic="membership", slug="page").replace(
        "second section explains another thing", "second section explains a new thing"
    )
    after = {chunk.id: chunk.metadata["hash"] for chunk in chunk_document(document(text=edited_text))}
    assert set(after) == set(before)
    changed = {chunk_id for chunk_id in before if before[chunk_id] != after[chunk_id]}
    assert len(changed) == 1
    assert "second-section" in next(iter(changed))
