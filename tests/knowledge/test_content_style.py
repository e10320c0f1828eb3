"""Style lint of the shipped knowledge base: the bot quotes single sentences, so each one must stand
alone and each section must open with its answer.

The content is loaded the way the bot loads it (``discover`` + ``load_file``), so funding YAML and
events are checked as the documents the bot indexes. Checks:

(a) no sentence opens with an unresolved pronoun or connective ("It", "This", "Despite this", ...);
(b) every section has a lead sentence: not a meta sentence ("This page explains...", "last checked"),
    and sharing a content word (or its first five letters) with the section heading or the document
    title (for funding entries: with the title or the programme, so the lead names the programme);
(c) every ``##`` section of a Markdown resource has a ``Source:`` line with an http(s) link, and the
    introduction (cited with the front matter's ``url``) has an http(s) URL.

Lines the loaders generate themselves ("Programme: ...", "Date of ...", "Place: ...") are not content
and are skipped.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest

from knowledge.documents import LoadError, SourceDocument
from knowledge.loaders import discover, load_file

CONTENT = Path(__file__).resolve().parents[2] / "knowledge" / "content"
SKIPPED_FOLDERS = {"answers"}  # answer cards are written (and linted) separately

# Openers that need the previous sentence to make sense. Matched as whole words at the start of a
# sentence or list item, case-sensitively after capitalising the first letter ("IT" is not "It").
UNRESOLVED_OPENERS = tuple(
    opener.strip()
    for opener in """It, Its, This, That, These, Those, They, Their, Them, Such, He, She, His, Her, Both,
    Neither, Either, Despite this, Despite that, However, Also, Moreover, Furthermore, In addition,
    Additionally, Therefore, Thus, Hence, As a result, Consequently, Instead, Still, Yet, Then, Here,
    Nevertheless, Nonetheless, Likewise, Similarly, Otherwise, Meanwhile, Besides, Even so, The same,
    The latter, The former, The other, Each of them, All of them, None of them, One of them,
    Some of them, Most of them, Many of them, Which, Whose, For all three, For both, For these,
    For this reason, In this case, In that case, On the other hand, By contrast, In contrast, Together,
    Beyond this, Apart from this""".split(",")
)
OPENER = re.compile(r"^(?:" + "|".join(re.escape(o) for o in UNRESOLVED_OPENERS) + r")\b")
THERE = re.compile(r"^There\b(?! (?:is|are|was|were|has|have|had|will)\b)")
# A bare generic noun as subject ("The call closed on ...") names nothing once quoted alone; one
# that a phrase names ("The call for pledges to ...") is fine.
GENERIC_SUBJECT = re.compile(
    r"^The (?:call|calls|topic|programme|initiative|fund|guarantee|platform|partnership|summit|conference"
    r"|meeting|event|series|strand|edition|pilot|project|projects|mission|missions|title|committee"
    r"|declaration|roadmap|plan|network|competition|pathway|recommendation|proposal|grant|grants"
    r"|forum|label|guide|consortium|report|entry|organisation|authority|applicant|applicants)\b"
    r"(?= (?!(?:for|of|on|to|in|under|behind|from|at|with|by|about|between)\b)[a-z(])"
)
META = re.compile(
    r"\b(this page|this section|this entry|this document|this timeline|the facts|these facts"
    r"|(?:listed|described|given|shown|set out|summarised) below|below (?:is|are|lists?)"
    r"|last checked|see above)\b",
    re.IGNORECASE,
)
# Label lines that the loaders write around the authored text (funding intro, event header).
GENERATED = re.compile(r"^(Programme: |Date of |Place: |Organised by |Sign up at )")
SOURCE_LINE = re.compile(r"^\s*Sources?:\s*(.*)$", re.IGNORECASE)
HEADING = re.compile(r"^(#{1,3})\s+(.*\S)\s*$")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(€“‘])")
WORD = re.compile(r"[a-z0-9]+")
STOPWORDS = frozenset(
    """a an the and or of to in on for with by at from as is are was were be been it its this that these
    those what which who whom how when where why can could do does did i you we they he she my our your
    their there here about into than then so not no yes any all some more most such also may might will
    would should shall has have had just only over under up down out if but us me one get give tell
    good know after before other others new""".split()
)
# Words on nearly every page: sharing only these does not make a sentence a lead.
UBIQUITOUS = frozenset({"social", "economy", "european", "eu", "union"})


@dataclass(frozen=True)
class Section:
    doc: SourceDocument
    path: str
    heading: str | None  # None = the introduction under the document title
    lines: tuple[str, ...]


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def content_words(text: str) -> set[str]:
    """Content words of ``text`` and their five-letter stems."""
    found: set[str] = set()
    for word in WORD.findall(_fold(text)):
        if word in STOPWORDS or word in UBIQUITOUS or len(word) < 2:
            continue
        found.add(word)
        if len(word) > 5:
            found.add(word[:5])
    return found


def split_sentences(text: str) -> list[str]:
    """Sentences of a section; each list item starts a sentence of its own."""
    sentences: list[str] = []
    for block in re.split(r"\n\s*\n|\n(?=\s*[-*] )|\n(?=\s*\d+\. )", text):
        block = re.sub(r"^\s*([-*]|\d+\.)\s+", "", block.strip())
        block = " ".join(block.split())
        if block:
            sentences.extend(part.strip() for part in SENTENCE_END.split(block) if part.strip())
    return sentences


def _bare(sentence: str) -> str:
    """The sentence without leading markup or quotes, first letter capitalised."""
    bare = re.sub(r"^[\s*_\"'“‘(\[]+", "", sentence)
    return bare[:1].upper() + bare[1:]


def load_documents() -> list[tuple[str, SourceDocument]]:
    documents: list[tuple[str, SourceDocument]] = []
    for root, file in discover([CONTENT], [CONTENT]):
        relative = file.relative_to(CONTENT)
        if relative.parts[0] in SKIPPED_FOLDERS:
            continue
        loaded = load_file(root, file)
        assert not isinstance(loaded, LoadError), f"{relative}: {loaded.message}"
        documents += [(relative.as_posix(), doc) for doc in loaded]
    return documents


def sections(path: str, doc: SourceDocument) -> list[Section]:
    found: list[Section] = []
    heading: str | None = None
    lines: list[str] = []
    for line in doc.text.splitlines():
        match = HEADING.match(line)
        if match:
            if lines or heading is not None:
                found.append(Section(doc, path, heading, tuple(lines)))
            heading = None if match.group(1) == "#" else match.group(2)
            lines = []
        else:
            lines.append(line)
    found.append(Section(doc, path, heading, tuple(lines)))
    return found


def _body(section: Section) -> str:
    return "\n".join(line for line in section.lines if not SOURCE_LINE.match(line))


def lint_section(section: Section) -> list[str]:
    where = f"{section.path} [{section.heading or '(introduction)'}]"
    findings: list[str] = []
    sentences = [s for s in split_sentences(_body(section)) if not GENERATED.match(s)]
    for sentence in sentences:
        bare = _bare(sentence)
        if OPENER.match(bare) or THERE.match(bare) or GENERIC_SUBJECT.match(bare):
            findings.append(f"{where}: unresolved opener: {sentence!r}")
    if sentences:
        lead = sentences[0]
        if META.search(lead):
            findings.append(f"{where}: lead sentence is a meta sentence: {lead!r}")
        if section.doc.kind == "funding":
            anchors = section.doc.title + " " + str(section.doc.metadata.get("programme", ""))
        else:
            anchors = section.doc.title + " " + (section.heading or "")
        if not content_words(lead) & content_words(anchors):
            findings.append(f"{where}: lead sentence names neither the heading nor the title: {lead!r}")
    elif section.doc.kind == "resource" and section.heading is not None:
        findings.append(f"{where}: empty section")
    if section.doc.kind == "resource" and section.path.endswith(".md"):
        if section.heading is None:
            if not re.match(r"https?://", section.doc.url):
                findings.append(f"{where}: the front matter url is not an http(s) link: {section.doc.url!r}")
        elif not any(
            (m := SOURCE_LINE.match(line)) and re.search(r"https?://", m.group(1)) for line in section.lines
        ):
            findings.append(f"{where}: no 'Source: [title](https://...)' line")
    return findings


def lint(documents: list[tuple[str, SourceDocument]]) -> list[str]:
    return [
        finding
        for path, doc in documents
        for section in sections(path, doc)
        for finding in lint_section(section)
    ]


@pytest.fixture(scope="module")
def documents() -> list[tuple[str, SourceDocument]]:
    return load_documents()


def test_the_content_is_there(documents: list[tuple[str, SourceDocument]]) -> None:
    kinds = {doc.kind for _, doc in documents}
    assert {"resource", "funding", "event"} <= kinds
    assert len(documents) >= 60


def test_every_sentence_stands_alone_and_every_section_leads_with_its_answer(
    documents: list[tuple[str, SourceDocument]],
) -> None:
    findings = lint(documents)
    assert not findings, f"{len(findings)} style findings:\n" + "\n".join(findings)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "# T about budget\n\n## Budget\nIt has €4 billion.\n\nSource: [x](https://x.eu)",
            "unresolved opener",
        ),
        ("# T\n\n## Budget\nDespite this, money.\n\nSource: [x](https://x.eu)", "unresolved opener"),
        ("# T\n\n## Budget\n- its budget is €4 billion.\n\nSource: [x](https://x.eu)", "unresolved opener"),
        ("# T\n\n## Budget\nThe call closed in May.\n\nSource: [x](https://x.eu)", "unresolved opener"),
        ("# T\n\n## Budget\nThis page explains the budget.\n\nSource: [x](https://x.eu)", "meta sentence"),
        ("# Tree\n\n## Budget\nMoney is short.\n\nSource: [x](https://x.eu)", "names neither"),
        ("# T\n\n## Budget\nThe budget is €4 billion.", "no 'Source"),
    ],
)
def test_the_lint_catches(text: str, expected: str) -> None:
    doc = SourceDocument(doc_id="x.md", kind="resource", title="T", url="https://x.eu", text=text)
    assert any(expected in finding for finding in lint([("x.md", doc)]))


def test_the_lint_accepts_a_good_section() -> None:
    text = (
        "# ESF+\n\nThe European Social Fund Plus (ESF+) is the EU's main fund for jobs and skills.\n\n"
        "## Budget\nESF+ has about €99.3 billion for 2021–2027. There are two strands.\n"
        "- ESF+ shared management: about €98.5 billion.\n\nSource: [ESF+](https://x.eu)"
    )
    doc = SourceDocument(
        doc_id="x.md", kind="resource", title="ESF+ 2021–2027", url="https://x.eu", text=text
    )
    assert lint([("x.md", doc)]) == []
