"""Every supported file format loads into documents; broken, oversized, sourceless or hostile files
become LoadErrors naming file and line, and what members must not see is held back."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest

from knowledge.documents import LoadError, SourceDocument
from knowledge.events import event_to_ics
from knowledge.links import ContentPolicy
from knowledge.loaders import Loaded, load_file, read_file
from knowledge.models import EventData
from tests.knowledge.conftest import RESOURCE, write
from tests.knowledge.poison import ALIAS_BOMB, JAVASCRIPT_URL_PAGE, POISONED_PAGE


def _load(root: Path, path: Path) -> list[SourceDocument]:
    result = load_file(root, path)
    assert not isinstance(result, LoadError), result
    return result


def _load_with(root: Path, path: Path, *, event_link: str) -> list[SourceDocument]:
    result = load_file(root, path, event_link=event_link)
    assert not isinstance(result, LoadError), result
    return result


def test_markdown_front_matter_becomes_metadata(tmp_path: Path) -> None:
    path = write(tmp_path / "resources" / "alpha.md", RESOURCE.format(topic="alpha", slug="alpha"))
    [doc] = _load(tmp_path, path)
    assert doc.doc_id == "resources/alpha.md" and doc.kind == "resource"
    assert doc.title == "Test page about alpha" and doc.url == "https://example.org/alpha"
    assert doc.metadata["audience"] == "|public-authority|" and doc.metadata["regions"] == "|FR|"
    assert doc.metadata["updated"] == "2025-11-01"


def test_html_keeps_headings_and_canonical_link(tmp_path: Path) -> None:
    path = write(
        tmp_path / "page.html",
        """<html lang="fr"><head><title>Page title</title>
        <link rel="canonical" href="https://example.org/page"></head><body><nav>menu</nav>
        <h1>Heading</h1><p>First paragraph.</p><h2>Part</h2><ul><li>Item one</li></ul>
        <script>alert(1)</script></body></html>""",
    )
    [doc] = _load(tmp_path, path)
    assert doc.title == "Page title" and doc.url == "https://example.org/page" and doc.language == "fr"
    assert "## Part" in doc.text and "- Item one" in doc.text
    assert "alert" not in doc.text and "menu" not in doc.text


def test_pdf_text_is_extracted_page_by_page(tmp_path: Path) -> None:
    from reportlab.pdfgen import canvas

    path = tmp_path / "guide.pdf"
    pdf = canvas.Canvas(str(path))
    pdf.setTitle("Procurement guide")
    pdf.drawString(72, 720, "Buying social: public buyers spend more than 14% of EU GDP.")
    pdf.showPage()
    pdf.drawString(72, 720, "Second page about social clauses.")
    pdf.save()
    write(tmp_path / "guide.pdf.source", "https://example.org/guide.pdf\n")
    [doc] = _load(tmp_path, path)
    assert doc.title == "Procurement guide" and doc.url == "https://example.org/guide.pdf"
    assert "## Page 1" in doc.text and "14% of EU GDP" in doc.text and "## Page 2" in doc.text


def test_plain_text_declares_its_source_on_its_first_line(tmp_path: Path) -> None:
    path = write(tmp_path / "notes_on-missions.txt", "Source: https://example.org/m\nMissions are funded.\n")
    [doc] = _load(tmp_path, path)
    assert doc.title == "Notes On Missions" and doc.text == "Missions are funded."
    assert doc.url == "https://example.org/m"
    titled = write(tmp_path / "t.txt", "Source: [Mission notes](https://example.org/n)\n\nText.\n")
    assert _load(tmp_path, titled)[0].title == "Mission notes"


def test_a_file_without_a_source_link_is_refused_and_never_shows_a_server_path(tmp_path: Path) -> None:
    path = write(tmp_path / "numbat-notes.txt", "Numbats eat termites.\n")
    error = load_file(tmp_path, path)
    assert isinstance(error, LoadError) and "no source link" in error.message
    assert "numbat-notes.txt.source" in error.message
    write(tmp_path / "numbat-notes.txt.source", "Source: [Numbat notes](https://example.org/numbats)\n")
    [doc] = _load(tmp_path, path)
    assert doc.url == "https://example.org/numbats" and doc.title == "Numbat notes"


@pytest.mark.parametrize(
    ("name", "content", "line"),
    [
        ("script.md", JAVASCRIPT_URL_PAGE, 3),
        ("file.md", "---\nurl: file:///srv/eser/notes.md\n---\n# T\n\nText.\n", 2),
        ("data.yaml", "programme: X\nurl: data:text/html,hi\n", 2),
        ("script.txt", "Source: javascript:alert(1)\nText.\n", 1),
        ("event.yaml", "title: T\nstart: 2027-01-01T10:00\nurl: javascript:x\n", None),
    ],
)
def test_non_http_source_links_are_refused(tmp_path: Path, name: str, content: str, line: int | None) -> None:
    error = load_file(tmp_path, write(tmp_path / name, content))
    assert isinstance(error, LoadError), error
    assert "http(s)" in error.message and error.line == line


def test_source_links_outside_the_allow_list_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "alpha.md", RESOURCE.format(topic="alpha", slug="alpha"))
    error = load_file(tmp_path, path, ContentPolicy(source_domains=("europa.eu",)))
    assert isinstance(error, LoadError) and error.line == 3
    assert "example.org is not in ESER_SOURCE_DOMAINS" in error.message
    assert not isinstance(
        load_file(tmp_path, path, ContentPolicy(source_domains=("example.org",))), LoadError
    )


def test_html_hidden_elements_are_not_indexed(tmp_path: Path) -> None:
    path = write(
        tmp_path / "page.html",
        """<html><head><title>T</title><link rel="canonical" href="https://example.org/p"></head><body>
        <p>Visible text.</p><p style="display: none">Hidden secret.</p><p hidden>Secret two.</p>
        <!-- <p>commented secret</p> --><li aria-hidden="true">Secret three.</li></body></html>""",
    )
    result = read_file(tmp_path, path)
    assert isinstance(result, Loaded)
    [doc] = result.documents
    assert doc.text == "Visible text." and [f.reason for f in result.findings] == [
        "hidden HTML dropped (4 element(s))"
    ]


def test_hostile_markdown_is_cleaned_and_reported(tmp_path: Path) -> None:
    path = write(tmp_path / "resources" / "join.md", POISONED_PAGE)
    result = read_file(tmp_path, path)
    assert isinstance(result, Loaded)
    [doc] = result.documents
    for gone in ("evil", "password", "Passwort", "1,000,000", "javascript", "Ignore", "[2]"):
        assert gone not in doc.text, gone
    assert "As the call notes (2), membership is free of charge." in doc.text
    assert "https://social-economy-gateway.ec.europa.eu/contact_en" in doc.text
    lines = {(finding.line, finding.reason.split(":")[0].split(" (")[0]) for finding in result.findings}
    assert lines == {
        (None, "hidden HTML dropped"),
        (10, "reads like instructions to the assistant"),
        (15, "source link dropped"),
        (19, "asks the reader for credentials"),
        (20, "link to another site"),
    }


def test_oversized_files_are_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("w", encoding="utf-8") as file:
        file.write("Source: https://example.org/huge\n")
        file.write(("A sentence about the social economy. " * 27 + "\n") * 50_000)
    started = time.perf_counter()
    error = load_file(tmp_path, path)
    assert time.perf_counter() - started < 0.5
    assert isinstance(error, LoadError) and "too large (50.0 MB; the limit is 2.0 MB" in error.message
    small = write(tmp_path / "small.txt", "Source: https://example.org/s\nA sentence.\n")
    assert not isinstance(load_file(tmp_path, small, ContentPolicy(max_file_bytes=100)), LoadError)
    assert isinstance(load_file(tmp_path, small, ContentPolicy(max_file_bytes=10)), LoadError)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bomb.yaml", ALIAS_BOMB),
        ("bomb.md", "---\n" + ALIAS_BOMB + "---\n# Bomb\n\nText.\n"),
    ],
)
def test_alias_bombs_fail_fast_with_the_file_named(tmp_path: Path, name: str, content: str) -> None:
    started = time.perf_counter()
    error = load_file(tmp_path, write(tmp_path / name, content))
    assert time.perf_counter() - started < 0.5
    assert isinstance(error, LoadError) and error.path.endswith(name) and "alias bomb" in error.message


def test_funding_yaml(tmp_path: Path) -> None:
    path = write(
        tmp_path / "f.yaml",
        "programme: Interreg\ntitle: Interreg funding\nurl: https://x.eu/i\n"
        "what_it_funds: Cross-border cooperation.\nbudget: about 10 billion\ndeadline: rolling\n"
        "audience: [public-authority]\n",
    )
    [doc] = _load(tmp_path, path)
    assert doc.kind == "funding" and doc.metadata["deadline"] == "rolling"
    assert "## What it funds" in doc.text and "## Budget" in doc.text


def test_an_event_file_without_a_link_is_cited_with_the_configured_link(tmp_path: Path) -> None:
    path = write(tmp_path / "events" / "e.yaml", "title: T\nstart: 2027-01-01T10:00\n")
    [event] = _load_with(tmp_path, path, event_link="https://gateway.example.eu/")
    assert event.url == "https://gateway.example.eu/"
    ics = tmp_path / "events" / "e.ics"
    start = dt.datetime(2027, 1, 1, 10, tzinfo=dt.UTC)
    ics.write_bytes(event_to_ics(EventData(id="e", title="T", start=start, end=start, timezone="UTC")))
    [from_ics] = _load_with(tmp_path, ics, event_link="https://gateway.example.eu/")
    assert from_ics.url == "https://gateway.example.eu/"
    refused = load_file(tmp_path, path)  # no link configured: nothing to cite, so not indexed
    assert isinstance(refused, LoadError) and "no source link" in refused.message


def test_event_yaml_and_ics_agree(tmp_path: Path) -> None:
    write(
        tmp_path / "e.yaml",
        "title: Test meeting\nstart: 2027-03-15T10:00:00\nend: 2027-03-15T12:00:00\n"
        "timezone: Europe/Warsaw\nplace: Kraków\nsignup_url: https://x.eu/signup\nregion: pl\n",
    )
    [from_yaml] = _load(tmp_path, tmp_path / "e.yaml")
    event = EventData(
        id="t",
        title="Test meeting",
        start=dt.datetime.fromisoformat(str(from_yaml.metadata["start"])),
        end=dt.datetime.fromisoformat(str(from_yaml.metadata["end"])),
        timezone="Europe/Warsaw",
        place="Kraków",
        signup_url="https://x.eu/signup",
        region="PL",
    )
    ics = tmp_path / "e.ics"
    ics.write_bytes(event_to_ics(event))
    [from_ics] = _load(tmp_path, ics)
    assert from_yaml.kind == from_ics.kind == "event"
    assert from_yaml.metadata["start_ts"] == from_ics.metadata["start_ts"]
    assert from_yaml.metadata["signup_url"] == from_ics.metadata["signup_url"] == "https://x.eu/signup"
    assert from_yaml.metadata["regions"] == "|PL|"


@pytest.mark.parametrize(
    ("name", "content", "line", "needle"),
    [
        ("bad.yaml", "programme: X\nurl: https://x\nbudget: [open\n", 3, "malformed YAML"),
        ("nofields.yaml", "foo: bar\n", None, "neither a funding entry"),
        ("baddate.yaml", "programme: X\nurl: https://x.eu\ndeadline: soon\n", None, "deadline"),
        ("badevent.yaml", "title: T\nstart: 2027-01-01T10:00\ntimezone: Mars/Olympus\n", None, "time zone"),
        ("badlink.yaml", "title: T\nstart: 2027-01-01T10:00\nsignup_url: ftp://x\n", None, "signup_url"),
        (
            "backwards.yaml",
            "title: T\nstart: 2027-01-02T10:00\nend: 2027-01-01T10:00\n",
            None,
            "before start",
        ),
        ("front.md", "---\nlanguage: en\ntitle: [x\n---\nbody\n", 3, "front matter"),
        ("empty.md", "---\ntitle: x\n---\n", None, "no text"),
        ("empty.txt", "  \n", None, "empty"),
        ("broken.ics", "BEGIN:VCALENDAR\nEND:VCALENDAR\n", None, "VEVENT"),
    ],
)
def test_broken_files_name_file_and_line(
    tmp_path: Path, name: str, content: str, line: int | None, needle: str
) -> None:
    path = write(tmp_path / name, content)
    error = load_file(tmp_path, path)
    assert isinstance(error, LoadError)
    assert error.path == str(path) and needle in error.message
    assert error.line == line
