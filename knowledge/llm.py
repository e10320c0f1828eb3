"""The generative answerer (when ``ESER_LLM`` is set): a langchain chat model, checked in code.

A generated answer is accepted only if it cites at least one passage and every ``[n]`` it uses points
at a passage it was given; otherwise the caller falls back to the extractive answer.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage

from knowledge.compose import cite
from knowledge.models import Answer, Passage
from knowledge.prompts import load_prompt

MARKER = re.compile(r"\[(\d{1,3})\]")
NO_ANSWER = "NO_ANSWER"
LANGUAGE_NAMES = {
    "en": "English",
    "fr": "French",
    "de": "German",
    "es": "Spanish",
    "it": "Italian",
    "pl": "Polish",
}


def build_chat_model(spec: str) -> BaseChatModel:
    """A chat model from ``provider:model`` (``openai:gpt-4o-mini``, ``ollama:llama3.1``).

    Raises:
        ValueError: When the provider's langchain integration is not installed.
    """
    from langchain.chat_models import init_chat_model

    try:
        return init_chat_model(spec, temperature=0)
    except ImportError as error:
        provider = spec.partition(":")[0]
        raise ValueError(
            f"ESER_LLM={spec!r} needs the langchain-{provider} package: pip install 'eser-bot[{provider}]'"
        ) from error


def _unfence(text: str) -> str:
    # A passage must not be able to close its own fence and speak as the prompt.
    return re.sub(r"</?\s*passages?\b", "‹passage", text, flags=re.IGNORECASE)


def format_passages(passages: Sequence[Passage]) -> str:
    """Number the passages for the prompt; their text is data, fenced by tags."""
    blocks = []
    for n, passage in enumerate(passages, start=1):
        title = html.escape(passage.chunk.title)
        blocks.append(f'<passage n="{n}" title="{title}">\n{_unfence(passage.chunk.text)}\n</passage>')
    return "\n\n".join(blocks)


def validated_markers(text: str, passage_count: int) -> list[int] | None:
    """The cited passage numbers, or None when the text cites nothing or a number out of range."""
    numbers = [int(match) for match in MARKER.findall(text)]
    if not numbers or any(number < 1 or number > passage_count for number in numbers):
        return None
    return sorted(set(numbers))


class LLMAnswerer:
    """Asks a chat model for a cited answer over the retrieved passages.

    Args:
        model: Any langchain chat model (a fake one in tests).
    """

    def __init__(self, model: BaseChatModel) -> None:
        self.model = model
        self.template = load_prompt("answer")
        self.condense_template = load_prompt("condense")

    async def condense(self, question: str, history: Sequence[str]) -> str:
        """Rewrite a follow-up as a standalone question using the thread's earlier turns."""
        if not history:
            return question
        prompt = self.condense_template.format(history="\n".join(history), question=question)
        reply = await self.model.ainvoke([HumanMessage(content=prompt)])
        text = str(reply.content).strip()
        return text or question

    async def answer(self, question: str, passages: Sequence[Passage], *, language: str) -> Answer | None:
        """A checked generated answer, or None when the model's answer cannot be trusted."""
        system = self.template.format(
            language_name=LANGUAGE_NAMES.get(language, "English"), passages=format_passages(passages)
        )
        reply = await self.model.ainvoke([SystemMessage(content=system), HumanMessage(content=question)])
        text = str(reply.content).strip()
        if not text or NO_ANSWER in text:
            return None
        cited = validated_markers(text, len(passages))
        if cited is None:
            return None
        return Answer(
            question=question,
            text=text,
            citations=[cite(n, passages[n - 1]) for n in cited],
            grounded=True,
            language=language,
        )
