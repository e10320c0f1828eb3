"""Funding entries and their deadline status relative to today."""

from __future__ import annotations

import datetime as dt

import pytest

from knowledge.funding import deadline_status, funding_document

TODAY = dt.date(2026, 11, 26)


@pytest.mark.parametrize(
    ("deadline", "opens", "status"),
    [
        ("2026-11-26", "", "open"),
        ("2026-11-25", "", "closed"),
        ("2027-01-31", "2026-12-01", "upcoming"),
        ("2027-01-31", "2026-11-01", "open"),
        ("rolling", "", "rolling"),
        ("closed", "", "closed"),
        ("unknown", "", "unknown"),
    ],
)
def test_status(deadline: str, opens: str, status: str) -> None:
    assert deadline_status(deadline, opens, TODAY) == status


def test_document_fields_and_validation() -> None:
    doc = funding_document(
        {
            "programme": "EaSI",
            "url": "https://x.eu",
            "who_can_apply": "Networks.",
            "deadline": dt.date(2024, 3, 14),
        },
        doc_id="f.yaml",
        metadata={},
    )
    assert doc.metadata["deadline"] == "2024-03-14" and "## Who can apply" in doc.text
    with pytest.raises(ValueError, match="url is missing"):
        funding_document({"programme": "X"}, doc_id="f", metadata={})
    with pytest.raises(ValueError, match="deadline"):
        funding_document(
            {"programme": "X", "url": "https://x.eu", "deadline": "next week"}, doc_id="f", metadata={}
        )
