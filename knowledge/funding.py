"""Funding entries: from YAML to indexable text, and the deadline status relative to today."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from knowledge.documents import SourceDocument

DeadlineStatus = Literal["open", "closed", "rolling", "upcoming", "unknown"]

FIELDS = (
    ("what_it_funds", "What it funds"),
    ("who_can_apply", "Who can apply"),
    ("how_to_apply", "How to apply"),
    ("budget", "Budget"),
    ("notes", "Good to know"),
)


def _iso(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value or "").strip()


def funding_document(
    entry: dict[str, Any], *, doc_id: str, metadata: dict[str, str | int | float | bool]
) -> SourceDocument:
    """Turn a funding YAML mapping into a document; the deadline is kept as metadata.

    Raises:
        ValueError: When a required field is missing or the deadline is not a date/rolling/closed.
    """
    for required in ("programme", "url"):
        if not entry.get(required):
            raise ValueError(f"{required} is missing")
    deadline = _iso(entry.get("deadline") or "unknown")
    if deadline not in ("rolling", "closed", "unknown"):
        try:
            dt.date.fromisoformat(deadline)
        except ValueError as error:
            raise ValueError(
                f"deadline must be an ISO date, 'rolling' or 'closed', not {deadline!r}"
            ) from error
    title = str(entry.get("title") or entry["programme"])
    # The programme's name is in the title and every section's heading path; an intro line such as
    # "Programme: X." would only be quoted as a non-answer.
    lines = [f"# {title}"]
    for key, label in FIELDS:
        if entry.get(key):
            lines += ["", f"## {label}", "", str(entry[key]).strip()]
    meta = dict(metadata)
    meta.update(
        {
            "deadline": deadline,
            "opens": _iso(entry.get("opens")),
            "programme": str(entry["programme"]),
            "last_checked": _iso(entry.get("last_checked") or entry.get("updated")),
        }
    )
    return SourceDocument(
        doc_id=doc_id,
        kind="funding",
        title=title,
        url=str(entry["url"]),
        text="\n".join(lines),
        language=str(entry.get("language") or "en"),
        metadata=meta,
    )


def deadline_status(deadline: str, opens: str, today: dt.date) -> DeadlineStatus:
    """Whether a call is open, closed, rolling or not yet open on ``today``."""
    if deadline in ("rolling", "closed"):
        return deadline  # type: ignore[return-value]
    try:
        end = dt.date.fromisoformat(deadline)
    except ValueError:
        return "unknown"
    if opens:
        try:
            if today < dt.date.fromisoformat(opens):
                return "upcoming"
        except ValueError:
            pass
    return "open" if today <= end else "closed"
