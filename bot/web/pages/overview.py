"""The overview: questions per day by language and by platform, the grounded share, the votes and
the hand-offs."""

from __future__ import annotations

from babel.dates import format_date
from starlette.requests import Request
from starlette.responses import Response

from bot.i18n import LANGUAGES
from bot.web.access import require_organiser
from bot.web.charts import share_line, stacked_bars
from bot.web.context import context_of

PERIODS = (7, 14, 30)
DEFAULT_PERIOD = 14


async def overview(request: Request) -> Response:
    """``GET /organisers/``: the charts of the last 7, 14 or 30 days (``?days=``)."""
    web = context_of(request)
    viewer = await require_organiser(request, web.services)
    text = web.pages.catalogue.text
    language = viewer.language
    raw = request.query_params.get("days", "")
    period = int(raw) if raw.isdigit() and int(raw) in PERIODS else DEFAULT_PERIOD
    days = await web.activity.daily(today=web.services.clock().date(), days=period)
    dates = [day.day for day in days]

    def label(value: object) -> str:
        return format_date(value, "d MMM", locale=language)  # type: ignore[arg-type]

    day_column = text("web.overview.day", language)
    languages = sorted({code for day in days for code in day.by_language}, key=_language_order)
    platforms = sorted({name for day in days for name in day.by_platform})
    platform_names = {
        name: web.services.platforms[name].display_name if name in web.services.platforms else name
        for name in platforms
    }
    by_language = stacked_bars(
        dates,
        {web.pages.languages.get(code, code): [day.by_language[code] for day in days] for code in languages},
        day_column=day_column,
        day_label=label,
    )
    by_platform = stacked_bars(
        dates,
        {platform_names[name]: [day.by_platform[name] for day in days] for name in platforms},
        day_column=day_column,
        day_label=label,
    )
    grounded = share_line(
        dates,
        [day.grounded / day.questions if day.questions else None for day in days],
        day_column=day_column,
        value_column=text("web.overview.grounded_share", language),
        day_label=label,
    )
    votes = stacked_bars(
        dates,
        {
            text("web.overview.votes_up", language): [day.votes_up for day in days],
            text("web.overview.votes_down", language): [day.votes_down for day in days],
        },
        day_column=day_column,
        day_label=label,
    )
    handoffs = stacked_bars(
        dates,
        {
            text("web.overview.handoffs_asked", language): [day.handoffs_asked for day in days],
            text("web.overview.handoffs_answered", language): [day.handoffs_answered for day in days],
        },
        day_column=day_column,
        day_label=label,
    )
    questions = sum(day.questions for day in days)
    answered = sum(day.grounded for day in days)
    totals = {
        "questions": questions,
        "grounded": f"{answered / questions * 100:.0f} %" if questions else "—",
        "up": sum(day.votes_up for day in days),
        "down": sum(day.votes_down for day in days),
        "open_handoffs": len(await web.services.handoffs.listed(states=("open",))),
    }
    return web.page(
        request,
        viewer,
        "overview.html",
        period=period,
        periods=PERIODS,
        totals=totals,
        charts=[
            ("by_language", by_language),
            ("by_platform", by_platform),
            ("grounded", grounded),
            ("votes", votes),
            ("handoffs", handoffs),
        ],
    )


def _language_order(code: str) -> tuple[int, str]:
    return (LANGUAGES.index(code) if code in LANGUAGES else len(LANGUAGES), code)
