"""Heading-based chunking with stable ids, section sources and inherited metadata."""

from __future__ import annotations

from knowledge.chunking import chunk_document, content_hash, root_tag
from knowledge.documents import SourceDocument

TEXT = """# Title

Intro paragraph.

## Who can join
Members are public authorities.

Source: [Join page](https://example.org/join)

## Money
ESER gives no money for events.

Source: https://example.org/money.
"""


def _doc(text: str = TEXT) -> SourceDocument:
    return SourceDocument(
        doc_id="resources/x.md",
        kind="resource",
        title="Title",
        url="https://example.org/x",
        text=text,
        metadata={"regions": "|EU|"},
        source_root="/content",
    )


def test_sections_become_chunks_with_their_own_source() -> None:
    chunks = chunk_document(_doc())
    tag = root_tag("/content")
    assert [c.id for c in chunks] == [
        f"{tag}/resources/x.md::intro::0",
        f"{tag}/resources/x.md::who-can-join::0",
        f"{tag}/resources/x.md::money::0",
    ]
    join = chunks[1]
    assert join.url == "https://example.org/join" and join.metadata["source_title"] == "Join page"
    assert "Source:" not in join.text and join.title == "Title — Who can join"
    assert chunks[2].url == "https://example.org/money"
    assert chunks[0].url == "https://example.org/x"
    assert all(c.metadata["regions"] == "|EU|" and c.metadata["doc_id"] == "resources/x.md" for c in chunks)


def test_editing_one_section_changes_only_its_hash() -> None:
    before = {c.id: c.metadata["hash"] for c in chunk_document(_doc())}
    after = {c.id: c.metadata["hash"] for c in chunk_document(_doc(TEXT.replace("no money", "no grants")))}
    assert before.keys() == after.keys()
    assert [cid for cid in before if before[cid] != after[cid]] == [
        f"{root_tag('/content')}/resources/x.md::money::0"
    ]


def test_long_sections_split_by_size() -> None:
    long = "## Long\n" + " ".join(f"Sentence number {n} is here." for n in range(300))
    chunks = chunk_document(_doc(long))
    assert len(chunks) > 3 and all(len(c.text) <= 1200 for c in chunks)
    assert [c.id.split("/", 1)[1] for c in chunks][:2] == [
        "resources/x.md::long::0",
        "resources/x.md::long::1",
    ]


def test_hash_covers_metadata() -> None:
    assert content_hash("t", {"a": 1}) != content_hash("t", {"a": 2})


def test_same_path_in_two_roots_never_shares_ids() -> None:
    first = chunk_document(_doc())[0].id
    second = chunk_document(_doc().model_copy(update={"source_root": "/other"}))[0].id
    assert first != second and first.endswith(second.split("/", 1)[1])
