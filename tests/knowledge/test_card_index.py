"""Answer cards in the index: one chunk per question phrasing plus one holding the card, read back by
``cards_from_chunks``; ids are stable and an edited phrasing re-indexes only what it touches."""

from __future__ import annotations

import datetime as dt

from knowledge.card_index import CARD, CARD_QUESTION, card_chunks, card_document, cards_from_chunks
from knowledge.cards import AnswerCard, CardSource
from knowledge.chunk_ids import id_prefix, root_tag
from knowledge.chunking import chunk_document
from knowledge.models import Chunk

DOC_ID = "answers/x.yaml#eser-who-can-join"


def make_card(
    card_id: str = "eser-who-can-join",
    *,
    en_questions: tuple[str, ...] = ("Who can join ESER?", "Can a cooperative become an ESER member?"),
    en_answer: str = "ESER membership is open to regional and local public authorities only [1].",
) -> AnswerCard:
    return AnswerCard(
        id=card_id,
        questions={
            "en": list(en_questions),
            "fr": ["Qui peut adhérer à ESER ?"],
            "de": ["Wer kann ESER beitreten?", "Kann eine Genossenschaft Mitglied werden?", "Wer darf?"],
        },
        answer={
            "en": en_answer,
            "fr": "L'adhésion à ESER est ouverte aux autorités publiques régionales et locales [1].",
            "de": "Die ESER-Mitgliedschaft steht regionalen und lokalen Behörden offen [1].",
        },
        sources=[CardSource(doc="resources/eser-who-can-join.md", section="Who can become a member")],
        audience=("public-authority", "cooperative"),
        countries=("fr", "BE"),
        last_checked=dt.date(2025, 11, 1),
        valid_until=dt.date(2027, 6, 30),
    )


def chunks_of(card: AnswerCard, *, doc_id: str = DOC_ID, source_root: str = "") -> list[Chunk]:
    return card_chunks(card_document(card, doc_id=doc_id, source_root=source_root))


def question_chunks(chunks: list[Chunk]) -> list[Chunk]:
    return [chunk for chunk in chunks if chunk.metadata["kind"] == CARD_QUESTION]


def card_chunk(chunks: list[Chunk]) -> Chunk:
    (found,) = [chunk for chunk in chunks if chunk.metadata["kind"] == CARD]
    return found


def hashes(chunks: list[Chunk]) -> dict[str, object]:
    return {chunk.id: chunk.metadata["hash"] for chunk in chunks}


def test_a_card_document_is_a_card_with_its_id_and_filter_metadata() -> None:
    card = make_card()
    document = card_document(card, doc_id=DOC_ID, source_root="/srv/content")
    assert document.kind == "card" and document.doc_id == DOC_ID and document.title == card.id
    assert document.source_root == "/srv/content"
    assert document.metadata == {
        "card_id": "eser-who-can-join",
        "audience": "|public-authority|cooperative|",
        "regions": "|FR|BE|",
        "status": "published",
    }
    assert AnswerCard.model_validate_json(document.text) == card


def test_one_chunk_per_phrasing_and_one_holding_the_card() -> None:
    card = make_card()
    chunks = chunks_of(card)
    phrasings = sorted((language, text) for language, texts in card.questions.items() for text in texts)
    questions = question_chunks(chunks)
    assert len(chunks) == len(phrasings) + 1 == 7
    assert sorted((chunk.metadata["language"], chunk.text) for chunk in questions) == phrasings
    holder = card_chunk(chunks)
    assert holder.text == card.answer["en"]
    assert all(chunk.doc_id == DOC_ID and chunk.title == card.id for chunk in chunks)


def test_question_chunk_ids_name_the_language_and_the_phrasings_place() -> None:
    chunks = chunks_of(make_card())
    ids = {chunk.id: chunk.text for chunk in question_chunks(chunks)}
    assert ids[f"{DOC_ID}::q::en::0"] == "Who can join ESER?"
    assert ids[f"{DOC_ID}::q::en::1"] == "Can a cooperative become an ESER member?"
    assert ids[f"{DOC_ID}::q::de::2"] == "Wer darf?"
    assert ids[f"{DOC_ID}::q::fr::0"] == "Qui peut adhérer à ESER ?"
    assert card_chunk(chunks).id == f"{DOC_ID}::card"
    assert len({chunk.id for chunk in chunks}) == len(chunks)


def test_chunk_ids_carry_the_content_roots_tag() -> None:
    document = card_document(make_card(), doc_id=DOC_ID, source_root="/srv/content")
    chunks = card_chunks(document)
    prefix = id_prefix(document)
    assert prefix == f"{root_tag('/srv/content')}/{DOC_ID}"
    assert all(chunk.id.startswith(prefix + "::") for chunk in chunks)
    other_root = chunks_of(make_card(), source_root="/srv/other")
    assert not {chunk.id for chunk in chunks} & {chunk.id for chunk in other_root}


def test_chunks_carry_the_cards_filter_metadata_and_source() -> None:
    for chunk in chunks_of(make_card(), source_root="/srv/content"):
        assert chunk.metadata["card_id"] == "eser-who-can-join"
        assert chunk.metadata["audience"] == "|public-authority|cooperative|"
        assert chunk.metadata["regions"] == "|FR|BE|"
        assert chunk.metadata["status"] == "published"
        assert chunk.metadata["doc_id"] == DOC_ID
        assert chunk.metadata["source_root"] == "/srv/content"


def test_the_chunker_splits_a_card_document_the_same_way() -> None:
    document = card_document(make_card(), doc_id=DOC_ID)
    assert chunk_document(document) == card_chunks(document)


def test_chunking_is_deterministic() -> None:
    assert hashes(chunks_of(make_card())) == hashes(chunks_of(make_card()))


def test_cards_from_chunks_reads_the_cards_back() -> None:
    one, two = make_card(), make_card("eser-what-is-it", en_questions=("What is ESER?",))
    chunks = chunks_of(one, doc_id="answers/x.yaml#one") + chunks_of(two, doc_id="answers/x.yaml#two")
    assert cards_from_chunks(chunks) == {"eser-who-can-join": one, "eser-what-is-it": two}


def test_cards_from_chunks_needs_the_card_chunk_not_the_phrasings() -> None:
    chunks = chunks_of(make_card())
    assert cards_from_chunks(question_chunks(chunks)) == {}
    assert cards_from_chunks([card_chunk(chunks)]) == {"eser-who-can-join": make_card()}


def test_cards_from_chunks_ignores_passages() -> None:
    passage = Chunk(
        id="resources/page.md::intro::0",
        doc_id="resources/page.md",
        text="ESER is a network.",
        title="Page",
        url="https://example.org",
        metadata={"kind": "resource", "card": "not a card"},
    )
    assert cards_from_chunks([passage]) == {}


def test_a_card_stored_twice_keeps_its_last_copy() -> None:
    old = make_card(en_answer="Old answer [1].")
    new = make_card(en_answer="New answer [1].")
    chunks = chunks_of(old, doc_id="answers/a.yaml#x") + chunks_of(new, doc_id="answers/b.yaml#x")
    assert cards_from_chunks(chunks) == {"eser-who-can-join": new}


def test_editing_one_phrasing_changes_only_that_phrasings_chunk_and_the_card() -> None:
    before = chunks_of(make_card())
    after = chunks_of(
        make_card(en_questions=("Who can join ESER?", "May a cooperative become an ESER member?"))
    )
    old, new = hashes(before), hashes(after)
    assert set(old) == set(new)  # same ids
    changed = {chunk_id for chunk_id in old if old[chunk_id] != new[chunk_id]}
    # The edited phrasing is re-embedded; the card chunk carries the whole card, so it is re-stored
    # (else the matcher would read the old phrasings back); every other phrasing stays as it was.
    assert changed == {f"{DOC_ID}::q::en::1", f"{DOC_ID}::card"}
    assert cards_from_chunks(after)["eser-who-can-join"].questions["en"][1] == (
        "May a cooperative become an ESER member?"
    )


def test_editing_the_answer_leaves_every_phrasing_chunk_alone() -> None:
    before = hashes(chunks_of(make_card()))
    after = hashes(chunks_of(make_card(en_answer="ESER is open to public authorities only [1].")))
    changed = {chunk_id for chunk_id in before if before[chunk_id] != after[chunk_id]}
    assert changed == {f"{DOC_ID}::card"}


def test_the_same_phrasing_in_two_languages_gets_two_chunks_with_different_hashes() -> None:
    card = make_card().model_copy(update={"questions": {"en": ["ESER?"], "fr": ["ESER?"]}})
    questions = question_chunks(chunks_of(card))
    assert [chunk.text for chunk in questions] == ["ESER?", "ESER?"]
    assert len({chunk.id for chunk in questions}) == 2
    assert len({chunk.metadata["hash"] for chunk in questions}) == 2


def test_a_card_without_an_english_answer_is_held_by_its_first_answer() -> None:
    card = make_card().model_copy(update={"answer": {"fr": "Réponse en français [1]."}})
    holder = card_chunk(chunks_of(card))
    assert holder.text == "Réponse en français [1]."
    assert cards_from_chunks([holder]) == {"eser-who-can-join": card}
