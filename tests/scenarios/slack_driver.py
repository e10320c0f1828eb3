"""``SlackDriver``: the shared scenarios' ``PlatformDriver`` for Slack.

It runs the real ``SlackRunner`` (slack-bolt, HTTP mode on 127.0.0.1) against the fake Slack Web
API, delivers signed events, slash commands and button presses as Slack does, and reports what the
bot sent as ``Sent`` records: ``chat.postMessage``, ``chat.postEphemeral`` and ``response_url``
messages, plus uploaded files (``raw["filename"]``, ``raw["content"]``). The ephemeral
"Looking that up…" acknowledgement of a slash command is the HTTP response itself, not a message,
so it is not reported (``last_ack`` keeps it).

Use it as an async context manager::

    async with slack_driver(app) as driver:
        answers = await driver.direct_message("ana", "Can a cooperative join ESER?")

Set ``driver.languages[user] = "fr"`` before a member's first action to give them a Slack locale.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlencode

from adapters.slack.app import SlackRunner
from adapters.slack.retry import RetryPolicy
from bot.app import App
from bot.models import Reply, Target
from tests.fakes.slack_server import (
    BOT_TOKEN,
    BOT_USER_ID,
    SIGNING_SECRET,
    ApiCall,
    Delivery,
    FakeSlack,
    SlackDeliverer,
    block_actions_payload,
    command_payload,
    dm_channel,
    running_fake_slack,
)
from tests.scenarios.driver import Sent, SentButton

GROUP_CHANNEL = "CESERGROUP"
LINK = re.compile(r"<([^|>]+)\|([^>]*)>")
LOCALES = {"en": "en-GB", "fr": "fr-FR", "de": "de-DE", "es": "es-ES", "it": "it-IT", "pl": "pl-PL"}


class SlackDriver:
    """Drives the Slack adapter end to end (implements ``tests.scenarios.driver.PlatformDriver``).

    Args:
        fake: The fake Slack the runner talks to.
        runner: The started runner.
    """

    platform = "slack"
    group_chat = GROUP_CHANNEL

    def __init__(self, fake: FakeSlack, runner: SlackRunner) -> None:
        self.fake = fake
        self.runner = runner
        self.slack = SlackDeliverer(runner.url, fake, SIGNING_SECRET)
        self.languages: dict[str, str] = {}
        self.last_ack: Delivery | None = None
        self._user_ids: dict[str, str] = {}
        self._hooks: dict[str, str] = {}

    def user_id(self, user: str) -> str:
        """The stable Slack user id of scenario member ``user`` (known to the fake's ``users.info``)."""
        if user not in self._user_ids:
            user_id = f"U{len(self._user_ids) + 1:04d}{re.sub(r'[^A-Z0-9]', '', user.upper())}"
            self._user_ids[user] = user_id
            language = self.languages.get(user, "en")
            self.fake.add_user(user_id, locale=LOCALES.get(language, language))
        return self._user_ids[user]

    def dm(self, user: str) -> str:
        """The id of the member's DM with the bot."""
        return dm_channel(self.user_id(user))

    async def direct_message(self, user: str, text: str) -> list[Sent]:
        """The member writes ``text`` in their DM with the bot."""
        event = self._message(user, text, channel=self.dm(user), channel_type="im")
        return await self.deliver(self.slack.event(event))

    async def mention_in_group(self, user: str, text: str, *, thread_ts: str | None = None) -> list[Sent]:
        """The member writes ``@ESER Assistant text`` in the group channel (Slack sends an
        ``app_mention`` and, for the same words, a channel ``message`` the bot must not answer twice)."""
        words = f"<@{BOT_USER_ID}> {text}"
        mention = self._message(user, words, channel=GROUP_CHANNEL, thread_ts=thread_ts)
        mention["type"] = "app_mention"
        message = dict(mention, type="message", channel_type="channel")

        async def both() -> Delivery:
            delivery = await self.slack.event(mention)
            await self.slack.event(message)
            return delivery

        return await self.deliver(both())

    async def group_message(self, user: str, text: str, *, thread_ts: str | None = None) -> list[Sent]:
        """The member writes ``text`` in the group channel without a mention (in ``thread_ts``'s
        thread when given, e.g. ``sent.raw["thread_ts"]`` of an answer, for a follow-up)."""
        event = self._message(user, text, channel=GROUP_CHANNEL, channel_type="channel", thread_ts=thread_ts)
        return await self.deliver(self.slack.event(event))

    async def command(self, user: str, name: str, args: str = "") -> list[Sent]:
        """The member runs ``/eser name args`` in their DM with the bot."""
        return await self.slash(user, f"{name} {args}".strip(), channel=self.dm(user))

    async def slash(self, user: str, text: str, *, channel: str | None = None) -> list[Sent]:
        """The member runs ``/eser text`` in ``channel`` (their DM with the bot by default)."""
        where = channel or self.dm(user)
        hook = self.slack.next_id("hook")
        self._hooks[hook] = where
        trigger = self.slack.next_id("trigger")
        form = command_payload(self.user_id(user), where, text, trigger, self.fake.response_url(hook))
        return await self.deliver(self.slack.post(urlencode(form), "application/x-www-form-urlencoded"))

    async def click(self, user: str, sent: Sent, button: SentButton) -> list[Sent]:
        """The member presses callback ``button`` under message ``sent``."""
        if button.data is None:
            raise ValueError(f"not a callback button: {button}")
        hook = self.slack.next_id("hook")
        self._hooks[hook] = sent.chat
        message: dict[str, Any] = {"ts": sent.raw.get("ts"), "text": sent.text}
        if sent.raw.get("thread_ts"):
            message["thread_ts"] = sent.raw["thread_ts"]
        action_ids = sent.raw.get("action_ids")
        action_id = action_ids.get(button.data, "cb:0") if isinstance(action_ids, dict) else "cb:0"
        action = {"action_id": action_id, "value": button.data}
        payload = block_actions_payload(
            user=self.user_id(user),
            channel=sent.chat,
            message=message,
            action=dict(action, type="button", block_id="b"),
            trigger_id=self.slack.next_id("trigger"),
            response_url=self.fake.response_url(hook),
        )
        if sent.ephemeral:
            payload["container"]["is_ephemeral"] = True
        return await self.deliver(self.slack.action(payload))

    async def group_command(self, user: str, name: str, args: str = "") -> list[Sent]:
        """The member runs ``/eser name args`` in the group channel."""
        return await self.slash(user, f"{name} {args}".strip(), channel=GROUP_CHANNEL)

    def make_manager(self, user: str) -> None:
        """``conversations.info`` says the member created the group channel."""
        self.fake.channel_creators[GROUP_CHANNEL] = self.user_id(user)

    def direct_chat(self, user: str) -> str:
        """The member's DM with the bot."""
        return self.dm(user)

    async def announce(self, chat: str, reply: Reply) -> Sent:
        """Send ``reply`` to ``chat`` with the runner's sender (as the broadcast outbox does)."""
        start = len(self.fake.calls)
        await self.runner.registered_sender.send(Target(platform="slack", chat_id=chat), reply)
        return next(sent for call in self.fake.calls[start:] if (sent := self.to_sent(call)) is not None)

    async def deliver(self, request: Awaitable[Delivery]) -> list[Sent]:
        """Make ``request`` and return what the bot sent until it finished answering."""
        start = len(self.fake.calls)
        self.last_ack = await request
        if self.last_ack.status != 200:
            raise AssertionError(f"the bot refused the request: {self.last_ack.status} {self.last_ack.body}")
        await self.runner.wait_idle()
        return [sent for call in self.fake.calls[start:] if (sent := self.to_sent(call)) is not None]

    def to_sent(self, call: ApiCall) -> Sent | None:
        """The platform-neutral record of a successful call that showed the member something."""
        if not call.response.get("ok"):
            return None
        params = call.params
        if call.method in ("chat.postMessage", "chat.postEphemeral"):
            raw = {**params, "ts": call.response.get("ts") or call.response.get("message_ts")}
            return message_sent(str(params["channel"]), raw, ephemeral=call.method == "chat.postEphemeral")
        if call.method == "response_url":
            chat = self._hooks.get(str(params.get("hook")), "")
            return message_sent(chat, dict(params), ephemeral=params.get("response_type") != "in_channel")
        if call.method == "files.completeUploadExternal":
            files = params.get("files") or [{}]
            title = str(files[0].get("title", ""))
            content = self.fake.uploads.get(str(files[0].get("id")), b"")
            return Sent(
                chat=str(params.get("channel_id", "")),
                text=str(params.get("initial_comment") or ""),
                in_thread=bool(params.get("thread_ts")),
                raw={**params, "filename": title, "content": content},
            )
        return None

    async def close(self) -> None:
        """Close the deliverer's HTTP session."""
        await self.slack.close()

    def _message(self, user: str, text: str, **fields: Any) -> dict[str, Any]:
        event: dict[str, Any] = {"type": "message", "user": self.user_id(user), "text": text}
        event["ts"] = self.slack.next_ts()
        event.update({key: value for key, value in fields.items() if value is not None})
        return event


def mrkdwn_to_text(mrkdwn: str) -> str:
    """Visible text of Slack mrkdwn: links as their label, a whole-bold element unstarred, unescaped."""
    text = LINK.sub(lambda match: match.group(2), mrkdwn)
    if len(text) > 2 and text.startswith("*") and text.endswith("*"):
        text = text[1:-1]
    return html.unescape(text)


def message_sent(chat: str, raw: dict[str, Any], *, ephemeral: bool) -> Sent:
    """A recorded message as a ``Sent``: visible text, links, buttons, thread."""
    blocks = raw.get("blocks") or []
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    lines: list[str] = []
    links: list[tuple[str, str]] = []
    buttons: list[SentButton] = []
    action_ids: dict[str, str] = {}
    for block in blocks:
        texts: list[str] = []
        if block["type"] == "section":
            texts = [block["text"]["text"]]
        elif block["type"] == "context":
            texts = [element["text"] for element in block["elements"] if "text" in element]
        elif block["type"] == "actions":
            for element in block["elements"]:
                label = element["text"]["text"]
                buttons.append(SentButton(label=label, url=element.get("url"), data=element.get("value")))
                if element.get("value"):
                    action_ids[element["value"]] = element["action_id"]
        for text in texts:
            links.extend((html.unescape(label), html.unescape(url)) for url, label in LINK.findall(text))
        if block["type"] == "section":
            lines.extend(mrkdwn_to_text(text) for text in texts)
        elif texts:
            lines.append("\n".join(mrkdwn_to_text(text) for text in texts))
    text = "\n".join(lines) if lines else html.unescape(str(raw.get("text", "")))
    return Sent(
        chat=chat,
        text=text,
        links=links,
        buttons=buttons,
        in_thread=bool(raw.get("thread_ts")),
        ephemeral=ephemeral,
        raw={**raw, "action_ids": action_ids},
    )


@asynccontextmanager
async def slack_driver(app: App) -> AsyncIterator[SlackDriver]:
    """A ``SlackDriver`` over a fresh fake Slack and a started runner in HTTP mode, stopped on exit.

    Args:
        app: The core app the runner feeds (its settings are reused with the fake's tokens and URL).
    """
    async with running_fake_slack() as fake:
        settings = app.services.settings.model_copy(
            update={
                "slack_bot_token": BOT_TOKEN,
                "slack_signing_secret": SIGNING_SECRET,
                "slack_app_token": "",
                "slack_api_url": fake.base_url,
                "http_host": "127.0.0.1",
                "http_port": 0,
            }
        )
        # Short backoffs keep fault scenarios fast; rate limits still wait the full Retry-After.
        runner = SlackRunner(
            app, settings, retry=RetryPolicy(attempts=2, rate_limit_attempts=3, backoff_seconds=0.05)
        )
        await runner.start()
        driver = SlackDriver(fake, runner)
        try:
            yield driver
        finally:
            await driver.close()
            await runner.stop()
