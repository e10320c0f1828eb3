"""How an answer is chosen, in order:

1. a request the bot declines before any lookup (passwords, personal data, acting for the member,
   small talk and other topics) gets its own reply;
2. a question about upcoming events gets the dated list of them;
3. a curated answer card that matches gets its answer in the member's language;
4. otherwise the sections that answer, composed answer-first, in English with a note in the
   member's language;
5. otherwise a decline: the fact is not known (with where to ask), or the question is out of scope.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from babel import Locale

from knowledge.card_match import CardMatch, CardMatcher
from knowledge.cards import AnswerCard
from knowledge.compose import TIME_SENSITIVE, ExtractiveComposer, cite, format_iso_date
from knowledge.crosslingual import fold
from knowledge.declines import DeclineKind, decline_kind, mentions_the_network
from knowledge.focus import Focus, TermWeights, question_focus
from knowledge.gate import RelevanceGate
from knowledge.index import VectorIndex
from knowledge.links import HelpLinks
from knowledge.listings import event_listing
from knowledge.models import Answer, Chunk, Citation, Passage, SearchFilters
from knowledge.question import PreparedQuestion, QuestionReader
from knowledge.retrieval import HybridRetriever
from knowledge.spelling import Vocabulary
from knowledge.text import Texts
from knowledge.upcoming import upcoming_event_filters

RETRIEVED = 8
# Share of a question's term weight that must be in words the knowledge base uses for a question
# nothing answers to count as about the network (see ``Answerer._in_scope``).
IN_SCOPE_SHARE = 0.5
MARKER = re.compile(r"\[(\d{1,2})\]")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Asker:
    """Who asks, as far as answers depend on it.

    Attributes:
        hint: The member's profile language or the platform's hint (detection tie-breaker).
        audience: The member's organisation type (answer cards for it are preferred).
        country: The member's country (ISO alpha-2).
    """

    hint: str | None = None
    audience: str | None = None
    country: str | None = None


class Answerer:
    """Chooses and composes the answer to one question (blocking; the engine runs it in a thread).

    Args:
        index: The index (passages and cards).
        reader: Question preparation.
        cards: Answer-card matching.
        gate: The relevance gate.
        texts: Fixed phrases by language.
        links: Where declines send members.
        clock: Current UTC time.
    """

    def __init__(
        self,
        index: VectorIndex,
        reader: QuestionReader,
        cards: CardMatcher,
        gate: RelevanceGate,
        texts: Texts,
        links: HelpLinks,
        clock: Callable[[], dt.datetime],
    ) -> None:
        self.index = index
        self.reader = reader
        self.cards = cards
        self.gate = gate
        self.texts = texts
        self.links = links
        self.clock = clock
        self.retriever = HybridRetriever(index)
        self.composer = ExtractiveComposer(texts)
        self._weights_version = -1
        self.weights = TermWeights()
        self._by_document: dict[str, list[Chunk]] = {}  # the passages of each document, for citing
        self._refreshing = threading.Lock()

    def refresh(self) -> None:
        """Rebuild what is derived from the index (term weights, spelling vocabulary) after a change.

        Answers run on several threads: one rebuilds while the others wait, and each table is
        replaced only once complete.
        """
        if self._weights_version == self.index.version:
            return
        with self._refreshing:
            version = self.index.version
            if self._weights_version == version:
                return
            chunks = self.index.chunks
            self.weights = TermWeights(f"{chunk.title}\n{chunk.text}" for chunk in chunks)
            phrasings = [
                chunk.text
                for chunk in self.index.card_chunks
                if chunk.metadata.get("kind") == "card_question"
            ]
            self.reader.vocabulary = Vocabulary([*(chunk.text for chunk in chunks), *phrasings])
            self.cards.refresh()
            by_document: dict[str, list[Chunk]] = {}
            for chunk in chunks:
                by_document.setdefault(_relative(chunk.doc_id), []).append(chunk)
            self._by_document = by_document
            self._weights_version = version

    def decline(self, question: str, language: str, kind: DeclineKind) -> Answer:
        """The reply for a declined question (``unknown``: not in the knowledge base, where to ask)."""
        key = "answer.not_found" if kind == "unknown" else f"decline.{kind}"
        return Answer(
            question=question,
            text=self.texts.text(key, language, gateway=self.links.gateway, eser=self.links.eser),
            grounded=False,
            language=language,
            decline=kind,
        )

    def not_grounded(self, question: str, language: str, key: str = "answer.not_found") -> Answer:
        """The honest "I don't know" answer (an "unknown" decline) in the words of ``key``, pointing to
        where to ask."""
        answer = self.decline(question, language, "unknown")
        answer.text = self.texts.text(key, language, gateway=self.links.gateway, eser=self.links.eser)
        return answer

    def answer(
        self,
        question: str,
        *,
        filters: SearchFilters | None = None,
        language: str | None = None,
        asker: Asker | None = None,
        history: Sequence[str] = (),
        timezone: str | None = None,
    ) -> tuple[Answer, bool]:
        """The answer, and whether it is an event listing (which no language model rewrites).

        Args:
            question: As asked.
            filters: Extra filters (a member profile's region, audience...).
            language: Answer language when the caller knows it; detected otherwise.
            asker: Who asks (language hint, organisation type, country).
            history: Earlier questions of the same thread, oldest first (follow-ups).
            timezone: The member's time zone for event dates.
        """
        started = time.perf_counter()
        self.refresh()
        asker = asker or Asker()
        now = self.clock()
        prepared = self.reader.prepare(question, now=now, language=language, hint=asker.hint, history=history)
        answer, listing, passages = self._choose(prepared, filters or SearchFilters(), asker, now, timezone)
        if not prepared.detected.supported and answer.language == "en":
            # Never a reply in a third language: English, and why, in English.
            answer.text = f"{answer.text}\n{self.texts.text('answer.unsupported_language', 'en')}"
        answer.passages = passages
        elapsed = (time.perf_counter() - started) * 1000
        answer.timing_ms = {"retrieve": answer.timing_ms.get("retrieve", elapsed), "total": elapsed}
        answer.timing_ms["answer"] = elapsed - answer.timing_ms["retrieve"]
        return answer, listing

    def _choose(
        self,
        prepared: PreparedQuestion,
        filters: SearchFilters,
        asker: Asker,
        now: dt.datetime,
        timezone: str | None,
    ) -> tuple[Answer, bool, list[Passage]]:
        language = prepared.language
        kind = decline_kind(prepared.asked)
        if kind is not None:
            return self.decline(prepared.asked, language, kind), False, []
        started = time.perf_counter()
        intent = prepared.intent
        if intent.upcoming_events:
            filters = upcoming_event_filters(filters, intent, now)
        vector = self.index.embed_query(prepared.query.dense_text)
        passages = self.retriever.search(prepared.query, filters=filters, k=RETRIEVED, vector=vector)
        retrieved = (time.perf_counter() - started) * 1000
        if intent.upcoming_events:
            # Every passage left is an event in the asked window and place: list them by date (in
            # the member's time zone) rather than quote sentences that may never name the date.
            answer, events = event_listing(
                prepared.asked, passages, texts=self.texts, language=language, timezone=timezone
            )
            if not events:
                answer = self.not_grounded(prepared.asked, language, "answer.no_upcoming_events")
            answer.timing_ms["retrieve"] = retrieved
            return answer, bool(events), passages
        focus = question_focus(prepared, self.weights, self.cards.programmes)
        match = self.cards.match(
            prepared.text, vector, focus, today=now.date(), audience=asker.audience, country=asker.country
        )
        card_answer = self._try_card(prepared, match, focus, now) if match is not None else None
        if card_answer is not None:
            answer, cited = card_answer
            answer.timing_ms["retrieve"] = retrieved
            return (
                answer,
                False,
                cited + [p for p in passages if p.chunk.id not in {c.chunk.id for c in cited}],
            )
        verdict = self.gate.judge(focus, passages)
        if not verdict.grounded:
            answer = self.decline(
                prepared.asked, language, "unknown" if self._in_scope(prepared, focus) else "out_of_scope"
            )
        else:
            # Only what the gate found usable is quoted, the best-covering section first.
            ordered = [verdict.best or 0, *(i for i in verdict.usable if i != verdict.best)]
            answer = self.composer.compose(
                prepared.asked, focus, [passages[i] for i in ordered], language=language, today=now.date()
            )
            if language != "en":
                # After the answer, so that its first sentence is the answer itself.
                answer.text = f"{answer.text}\n{self.texts.text('answer.english_source', language)}"
                answer.body_language = "en"
        answer.timing_ms["retrieve"] = retrieved
        return answer, False, passages

    def _in_scope(self, prepared: PreparedQuestion, focus: Focus) -> bool:
        """Whether a question nothing answers is about the network ("not known") or another subject.

        It is about the network when it names it or its subjects, or when most of its weight is in
        words the knowledge base uses: "the 2031 call" is an unknown, "the Champions League final
        this year" (only "final" and "year" known) another subject.
        """
        if mentions_the_network(prepared.text):
            return True
        weights = [(self.weights.weight(term), self.weights.known(term)) for term in focus.terms]
        total = sum(weight for weight, _ in weights)
        return total > 0 and sum(weight for weight, known in weights if known) >= IN_SCOPE_SHARE * total

    def _try_card(
        self, prepared: PreparedQuestion, match: CardMatch, focus: Focus, now: dt.datetime
    ) -> tuple[Answer, list[Passage]] | None:
        try:
            return self._card_answer(prepared, match, focus, now)
        except LookupError:  # the card cites a document this index lacks: answer from passages
            log.warning("answer card %s cites a document that is not indexed", match.card.id)
            return None

    def _card_answer(
        self, prepared: PreparedQuestion, match: CardMatch, focus: Focus, now: dt.datetime
    ) -> tuple[Answer, list[Passage]]:
        card = match.card
        text, written_in = card.answer_in(prepared.language) or ("", "en")
        cited = [self._source_passage(card, n) for n in range(len(card.sources))]
        # Sources on the same page share its link, so they share one number, as in passage answers.
        numbers: dict[int, int] = {}
        citations: list[Citation] = []
        for position, passage in enumerate(cited, start=1):
            known = next((c.n for c in citations if c.url == passage.chunk.url), None)
            if known is None:
                known = len(citations) + 1
                citations.append(cite(known, passage))
            numbers[position] = known
        text = renumber(text, numbers)
        lines = [text]
        if written_in == "en" and prepared.language != "en":
            lines.append(self.texts.text("answer.english_source", prepared.language))
        elif written_in != prepared.language:  # an organiser's card, in the language it was written in
            lines.append(
                self.texts.text(
                    "answer.card_language",
                    prepared.language,
                    name=language_name(written_in, prepared.language),
                )
            )
        if card.last_checked and focus.kind in TIME_SENSITIVE:
            date = format_iso_date(card.last_checked.isoformat(), prepared.language)
            lines.append(self.texts.text("answer.last_checked", prepared.language, date=date))
        answer = Answer(
            question=prepared.asked,
            text="\n".join(lines),
            citations=citations,
            grounded=True,
            language=prepared.language,
            body_language=written_in if written_in != prepared.language else None,
            card_id=card.id,
            decline="unknown" if card.gap else None,  # an honest "not known", with its source
        )
        answer.actions = self.composer.actions(cited, language=prepared.language)
        return answer, cited

    def _source_passage(self, card: AnswerCard, n: int) -> Passage:
        """The indexed section a card's ``n``-th source names (its document's first one if no section)."""
        source = card.sources[n]
        section = fold(source.section)
        best = None
        self.refresh()
        for chunk in self._by_document.get(source.doc, ()):
            if not section or section in (fold(str(chunk.metadata.get("section", ""))), fold(chunk.title)):
                best = chunk
                break
            if best is None or section in fold(str(chunk.metadata.get("section_path", ""))):
                best = chunk
        if best is None:
            raise LookupError(f"card {card.id!r} cites {source.doc!r}, which is not indexed")
        return Passage(chunk=best, score=1.0)


def language_name(code: str, in_language: str) -> str:
    """The name of language ``code`` in ``in_language`` ("Französisch"), from CLDR; the code when unknown."""
    return str(Locale.parse(in_language).languages.get(code) or code)


def renumber(text: str, numbers: dict[int, int]) -> str:
    """``text`` with its ``[n]`` markers mapped through ``numbers`` (a repeated marker said once)."""
    renumbered = MARKER.sub(lambda match: f"[{numbers.get(int(match.group(1)), int(match.group(1)))}]", text)
    return re.sub(r"(\[\d+\])(?:\1)+", r"\1", renumbered)


def _relative(doc_id: str) -> str:
    return doc_id.split("#", 1)[0]
