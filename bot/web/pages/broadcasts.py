"""Broadcasts: each announcement's delivery progress, and its report per platform
(the numbers of the report an organiser gets in chat, ``bot.broadcast.report``)."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from bot.broadcast.service import BroadcastStatus
from bot.web.access import require_organiser
from bot.web.context import context_of

LISTED = 30


def _percent(status: BroadcastStatus) -> int:
    return round(status.done / status.total * 100) if status.total else 100


async def list_broadcasts(request: Request) -> Response:
    """``GET /organisers/broadcasts``: the latest announcements, newest first, with their progress."""
    web = context_of(request)
    viewer = await require_organiser(request, web.services)
    statuses = await web.services.broadcasts.status(limit=LISTED)
    return web.page(
        request,
        viewer,
        "broadcasts.html",
        statuses=[(status, _percent(status)) for status in statuses],
    )


async def show_broadcast(request: Request) -> Response:
    """``GET /organisers/broadcasts/{id}``: one announcement's text and its delivery report."""
    web = context_of(request)
    viewer = await require_organiser(request, web.services)
    found = await web.services.broadcasts.status(int(request.path_params["announcement_id"]))
    if not found:
        raise HTTPException(404, "no_broadcast")
    status = found[0]
    names = {name: platform.display_name for name, platform in web.services.platforms.items()}
    return web.page(
        request,
        viewer,
        "broadcast.html",
        status=status,
        percent=_percent(status),
        platform_names=names,
        mine=status.created_by == f"{viewer.platform}:{viewer.user_id}",
    )
