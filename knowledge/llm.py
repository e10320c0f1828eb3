"""The generative answerer (when ``ESER_LLM`` is set): a langchain chat model, checked in code.

Passages go to the model HTML-escaped inside ``<passage>`` tags, so no text in them can close the
fence. A generated answer is accepted only if it cites at least one passage, every ``[n]`` points at
a passage it was given, it asks nobody for credentials nor reads like injected instructions, and
every link, e-mail address, date and number in each sentence appears in the passages that sentence
cites; otherwise the caller falls back to the extractive answer.
"""

from __future__ import annotations

import html
import logging
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from langchain_core.language_models import BaseChatModel
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from langchain_core.messages import HumanMessage, SystemMessage

from knowledge.compose import cite
from knowledge.facts import Facts, source_facts, unsupported
from knowledge.models import Answer, Passage
from knowledge.prompts import load_prompt
from knowledge.suspicious import CREDENTIAL_REQUEST, INJECTION

log = logging.getLogger(__name__)

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


SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
# Characters a model may read as "<" or ">": mapped before escaping, so they are escaped too.
ANGLE_LOOKALIKES = str.maketrans({ch: "<" for ch in "‹〈⟨❮❬˂ᐸ⧼〈"} | {ch: ">" for ch in "›〉⟩❯❭˃ᐳ⧽〉"})
FAKE_REPLY_SEPARATOR = re.compile(r"^---\s*$", re.MULTILINE)


def fake_chat_model(path: str) -> BaseChatModel:
    """langchain's fake chat model answering with the scripted replies in ``path``, in turn.

    The file holds the replies separated by lines of ``---``; after the last it starts again.

    Raises:
        ValueError: When the file is missing or holds no reply.
    """
    if not path.strip():
        raise ValueError("ESER_LLM=fake: needs a file of scripted replies, e.g. ESER_LLM=fake:replies.txt")
    file = Path(path.strip()).expanduser()
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as error:
        raise ValueError(f"ESER_LLM={'fake:' + path!r}: cannot read {file}: {error.strerror}") from error
    replies = [reply.strip() for reply in FAKE_REPLY_SEPARATOR.split(text) if reply.strip()]
    if not replies:
        raise ValueError(f"ESER_LLM: {file} holds no reply (replies are separated by lines of ---)")
    return FakeListChatModel(responses=replies)


def build_chat_model(spec: str) -> BaseChatModel:
    """A chat model from ``provider:model`` (``openai:gpt-4o-mini``, ``ollama:llama3.1``), or
    ``fake:FILE`` for scripted replies (trying the LLM path without a provider).

    Raises:
        ValueError: When the provider's langchain integration is not installed.
    """
    from langchain.chat_models import init_chat_model

    if spec.startswith("fake:"):
        return fake_chat_model(spec.removeprefix("fake:"))

    try:
        return init_chat_model(spec, temperature=0)
    except ImportError as error:
        provider = spec.partition(":")[0]
        raise ValueError(
            f"ESER_LLM={spec!r} needs the langchain-{provider} package: pip install 'eser-bot[{provider}]'"
        ) from error


def fenced(text: str) -> str:
    """``text`` escaped so that it cannot open or close a tag, whatever its spacing, case or script.

    Escaping every ``<``, ``>`` and ``&`` (after folding compatibility forms and angle look-alikes)
    leaves no tag to hunt for: ``< /passage>``, ``</ PASSAGE >`` and ``＜/passage＞`` all become text.
    """
    return html.escape(_fold(text), quote=False)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).translate(ANGLE_LOOKALIKES)


def format_passages(passages: Sequence[Passage]) -> str:
    """Number the passages for the prompt; their text is data, escaped and fenced by tags."""
    blocks = []
    for n, passage in enumerate(passages, start=1):
        title = html.escape(_fold(passage.chunk.title), quote=True)
        blocks.append(f'<passage n="{n}" title="{title}">\n{fenced(passage.chunk.text)}\n</passage>')
    return "\n\n".join(blocks)


def _passage_facts(passage: Passage) -> Facts:
    return source_facts(f"{passage.chunk.title}\n{passage.chunk.text}\n{passage.chunk.url}")


def content_problems(text: str, passages: Sequence[Passage], cited: Sequence[int]) -> list[str]:
    """Why ``text`` cannot be trusted, beyond its markers (empty when it can).

    Each sentence is held to the passages it cites (a sentence without a marker, to every passage
    the answer cites): its links, e-mail addresses, dates and numbers must appear there.
    """
    if INJECTION.search(text):
        return ["reads like instructions"]
    if CREDENTIAL_REQUEST.search(text):
        return ["asks for credentials"]
    facts = {n: _passage_facts(passages[n - 1]) for n in cited}
    problems: list[str] = []
    for sentence in SENTENCE_END.split(text):
        if not sentence.strip():
            continue
        numbers = sorted({int(n) for n in MARKER.findall(sentence)}) or list(cited)
        merged = Facts()
        for n in numbers:
            merged.urls |= facts[n].urls
            merged.emails |= facts[n].emails
            merged.dates |= facts[n].dates
            merged.numbers |= facts[n].numbers
        problems += [f"{kind} not in passage(s) {numbers}" for kind in unsupported(sentence, merged)]
    return problems


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
        # The model read escaped passages and may echo "&amp;"; renderers escape the text themselves.
        text = html.unescape(str(reply.content)).strip()
        if not text or NO_ANSWER in text:
            log.info("generated answer not used: the model found no answer")
            return None
        cited = validated_markers(text, len(passages))
        if cited is None:
            log.info("generated answer refused: no citation, or one to a passage it was not given")
            return None
        if problems := content_problems(text, passages, cited):
            # Only the kinds of problem: the answer may echo what the member wrote.
            log.info("generated answer refused: %s", "; ".join(sorted(set(problems))))
            return None
        return Answer(
            question=question,
            text=text,
            citations=[cite(n, passages[n - 1]) for n in cited],
            grounded=True,
            language=language,
        )
