"""The organisers' web app mounted in an aiohttp server (as ``serve`` does on the Slack endpoint
and the Telegram webhook): its pages under /organisers, the server's own routes untouched."""

from __future__ import annotations

import httpx
from aiohttp import web

from adapters.web import mount_organisers
from bot.app import App
from tests.bot.web.conftest import login_path, web_app, web_knowledge  # noqa: F401  (the fixtures)


async def test_pages_are_served_beside_the_platform_routes(web_app: App) -> None:  # noqa: F811
    async def own(_request: web.Request) -> web.Response:
        return web.Response(text="platform route")

    aiohttp_app = web.Application()
    aiohttp_app.router.add_get("/healthz", own)
    mount_organisers(aiohttp_app, web_app.web)
    runner = web.AppRunner(aiohttp_app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            assert (await http.get("/healthz")).text == "platform route"
            assert (await http.get("/organisers/")).status_code == 401
            signed = await http.get(login_path(web_app))
            assert signed.status_code == 303
            assert "eser_organisers=" in signed.headers["set-cookie"]
            overview = await http.get("/organisers/")
            assert overview.status_code == 200 and "How the assistant is doing" in overview.text
            css = await http.get("/organisers/static/style.css")
            assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
            assert (await http.get("/elsewhere")).status_code == 404
    finally:
        await runner.cleanup()


def test_nothing_is_mounted_without_a_web_app() -> None:
    aiohttp_app = web.Application()
    mount_organisers(aiohttp_app, None)
    assert len(aiohttp_app.router.resources()) == 0
