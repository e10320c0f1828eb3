"""Every supported file format loads into documents; broken files become LoadErrors naming file and line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from knowledge.documents import LoadError, SourceDocument
from knowledge.events import event_to_ics
from knowledge.loaders import discover, load_file
from knowledge.models import EventData
from tests.knowledge.conftest import RESOURCE, write


def _load(root: Path, path: Path) -> list[SourceDocument]:
    result = load_file(root, path)
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
    [doc] = _load(tmp_path, path)
    assert doc.title == "Procurement guide"
    assert "## Page 1" in doc.text and "14% of EU GDP" in doc.text and "## Page 2" in doc.text


def test_plain_text(tmp_path: Path) -> None:
    [doc] = _load(tmp_path, write(tmp_path / "notes_on-missions.txt", "Missions are funded.\n"))
    assert doc.title == "Notes On Missions" and doc.text == "Missions are funded."


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


def test_discover_skips_readme_hidden_and_unknown_files(tmp_path: Path) -> None:
    for name in ("a.md", "README.md", ".hidden/b.md", "c.docx", "d.yaml", "e.ics"):
        write(tmp_path / name, "x")
    found = sorted(path.relative_to(tmp_path).as_posix() for _, path in discover([tmp_path]))
    assert found == ["a.md", "d.yaml", "e.ics"]
