"""The answer flow with a language model (langchain's fake chat models): only passage answers are
rewritten, a refused or failed rewrite falls back to the extractive answer, follow-ups are condensed."""

from __future__ import annotations

from langchain_core.language_models.fake_chat_models import FakeListChatModel

from knowledge.engine import KnowledgeEngine
from tests.knowledge.llm_fakes import QUESTION, BrokenModel, RecordingModel, passage_answer, with_llm


async def test_a_curated_card_answer_is_never_rewritten(knowledge: KnowledgeEngine) -> None:
    model = RecordingModel(responses=["Anything [1]."])
    with with_llm(knowledge, model, cards=True) as engine:
        answer = await engine.answer(QUESTION)
    assert answer.card_id and not model.prompts


async def test_sound_generated_answer_is_used(knowledge: KnowledgeEngine) -> None:
    model = RecordingModel(
        responses=[
            "Only regional and local public authorities can be members [1]; "
            "cooperatives join through their authority's events [1][2]."
        ]
    )
    with with_llm(knowledge, model) as engine:
        answer = await engine.answer(QUESTION)
    assert answer.text.startswith("Only regional")
    assert [c.n for c in answer.citations] == [1, 2]
    assert [c.url for c in answer.citations] == [p.chunk.url for p in answer.passages[:2]]
    system = str(model.prompts[0][0].content)
    assert "untrusted data" in system and '<passage n="1"' in system and "English" in system


async def test_no_answer_and_provider_errors_fall_back(knowledge: KnowledgeEngine) -> None:
    extractive = await passage_answer(knowledge, QUESTION)
    with with_llm(knowledge, FakeListChatModel(responses=["NO_ANSWER"])) as engine:
        assert (await engine.answer(QUESTION)).text == extractive.text
    with with_llm(knowledge, BrokenModel(messages=iter([]))) as engine:
        assert (await engine.answer(QUESTION)).text == extractive.text


async def test_not_grounded_questions_never_reach_the_model(knowledge: KnowledgeEngine) -> None:
    model = RecordingModel(responses=["The weather will be sunny [1]."])
    with with_llm(knowledge, model) as engine:
        answer = await engine.answer("What will the weather be like in Naples tomorrow?")
    assert not answer.grounded and model.prompts == []


async def test_answers_in_the_questions_language(knowledge: KnowledgeEngine) -> None:
    model = RecordingModel(responses=["Seules les autorités publiques peuvent adhérer [1]."])
    with with_llm(knowledge, model) as engine:
        answer = await engine.answer("Notre coopérative peut-elle adhérer directement au réseau ESER ?")
    assert answer.language == "fr" and "French" in str(model.prompts[0][0].content)


async def test_follow_up_is_condensed_by_the_model(knowledge: KnowledgeEngine) -> None:
    model = RecordingModel(
        responses=["What is the budget of ESF Social Innovation+?", "Its budget is 197 million euro [1]."]
    )
    with with_llm(knowledge, model) as engine:
        answer = await engine.answer("And its budget?", history=["What is ESF Social Innovation+?"])
    assert "ESF Social Innovation+" in str(model.prompts[0][0].content)
    assert answer.citations and "esf-social-innovation" in answer.citations[0].doc_id
