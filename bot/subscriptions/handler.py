"""``subscribe``, ``unsubscribe``, ``subscriptions``, their buttons, and the one-tap ``unsub``.

In a direct chat these change the member's own subscriptions. In a channel or group they change the
channel's — only for its managers, checked with the platform on every change
(``bot.channels.may_manage``); anyone may see what a channel is subscribed to.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.channels import may_manage
from bot.models import Button, IncomingMessage, Reply
from bot.services import Services
from bot.speech import member_language, say
from bot.store.profiles import Subscription
from bot.store.subscriptions import CHANNEL_KIND, MEMBER_KIND, SubscriptionStore
from bot.subscriptions.buttons import DONE, TOGGLE, UNSUBSCRIBE, Pick, decode, encode, toggled
from bot.subscriptions.reading import (
    EVERYWHERE,
    PlaceReader,
    TopicReader,
    join_place,
    split_place,
    topic_label_key,
)
from bot.topics import ALL_TOPICS, TOPICS

COMMANDS = frozenset({"subscribe", "unsubscribe", "subscriptions"})


@dataclass(frozen=True)
class Subscriber:
    """Whose subscriptions a message is about: the member (direct chat) or the channel."""

    platform: str
    user_id: str
    chat_id: str
    kind: str

    @classmethod
    def of(cls, message: IncomingMessage) -> Subscriber:
        """The member in a direct chat, else the channel or group the message came from."""
        if message.is_direct:
            return cls(message.platform, message.user_id, message.chat_id, MEMBER_KIND)
        return cls(message.platform, message.chat_id, message.chat_id, CHANNEL_KIND)

    @property
    def is_channel(self) -> bool:
        """True for a channel or group."""
        return self.kind == CHANNEL_KIND


class SubscriptionHandler:
    """Members' and channels' subscriptions to announcements.

    Args:
        services: Shared services.
        topics: Reads topic names.
        places: Reads and names places.
    """

    def __init__(self, services: Services, topics: TopicReader, places: PlaceReader) -> None:
        self.services = services
        self.store: SubscriptionStore = services.subscriptions
        self.topics = topics
        self.places = places

    async def handle(self, message: IncomingMessage) -> list[Reply] | None:
        """Take the three commands, the picker's buttons (``sub:``) and the ``unsub`` button."""
        if message.callback_data:
            if message.callback_data == UNSUBSCRIBE:
                return [await self._one_tap(message)]
            pick = decode(message.callback_data)
            reply = None if pick is None else await self._picked(message, pick)
            return None if reply is None else [reply]
        if message.command not in COMMANDS:
            return None
        language = await member_language(self.services, message)
        if message.command == "subscribe" and not self._delivered(message):
            return [
                self._reply(
                    message, say(self.services, message, "subscribe.not_delivered", language), language
                )
            ]
        subscriber = Subscriber.of(message)
        if message.command == "subscriptions":
            return [await self._list(message, subscriber, language)]
        refusal = await self._check(message, subscriber, language)
        if refusal is not None:
            return [refusal]
        if message.command == "subscribe":
            return [await self._subscribe_command(message, subscriber, language)]
        return [await self._unsubscribe_command(message, subscriber, language)]

    def _delivered(self, message: IncomingMessage) -> bool:
        """Whether announcements reach the message's platform (not the console): a subscription
        made where none arrives would promise what never comes."""
        platform = self.services.platforms.get(message.platform)
        return platform is None or platform.broadcasts

    # --- commands ---------------------------------------------------------------------------------
    async def _subscribe_command(self, message: IncomingMessage, who: Subscriber, language: str) -> Reply:
        read = self.topics.read(message.args, language)
        place = ""
        if read.rest:
            home = await self._home_country(who)
            found = self.places.find(read.rest, language, home)
            if found.code is None:
                return self._unknown(message, language, read.rest, read.topics, found.suggestions)
            place = found.code
        if not read.topics:
            return await self._picker(message, who, language, (), place)
        return await self._subscribe(message, who, language, read.topics, place)

    async def _unsubscribe_command(self, message: IncomingMessage, who: Subscriber, language: str) -> Reply:
        read = self.topics.read(message.args, language)
        if read.rest:
            text = say(
                self.services,
                message,
                "subscribe.unknown_topic",
                language,
                text=read.rest,
                topics=self._topic_names(TOPICS, language),
            )
            return self._reply(message, text, language)
        left = await self.store.unsubscribe(
            who.platform, who.user_id, topics=read.topics, now=self.services.clock()
        )
        return self._unsubscribed(message, who, language, left)

    async def _list(self, message: IncomingMessage, who: Subscriber, language: str) -> Reply:
        subscriptions = await self.store.subscriptions(who.platform, who.user_id)
        prefix = "subscribe.channel_" if who.is_channel else "subscribe."
        if not subscriptions:
            return self._reply(message, say(self.services, message, f"{prefix}none", language), language)
        text = say(
            self.services, message, f"{prefix}list", language, self._described(subscriptions, language)
        )
        return self._reply(message, text, language)

    # --- buttons ----------------------------------------------------------------------------------
    async def _picked(self, message: IncomingMessage, pick: Pick) -> Reply | None:
        if pick.place not in ("", EVERYWHERE) and not self.places.valid(pick.place):
            return None  # not a place the bot offered: nothing to store
        language = await member_language(self.services, message)
        if not self._delivered(message):
            return self._reply(
                message, say(self.services, message, "subscribe.not_delivered", language), language
            )
        who = Subscriber.of(message)
        if pick.action == TOGGLE:
            return await self._picker(message, who, language, pick.topics, pick.place)
        refusal = await self._check(message, who, language)
        if refusal is not None:
            return refusal
        return await self._subscribe(message, who, language, pick.topics or (ALL_TOPICS,), pick.place)

    async def _one_tap(self, message: IncomingMessage) -> Reply:
        """The ``unsub`` button of an announcement: everything stops, for the member or the channel."""
        language = await member_language(self.services, message)
        who = Subscriber.of(message)
        refusal = await self._check(message, who, language, key="subscribe.only_manager")
        if refusal is not None:
            return refusal
        left = await self.store.unsubscribe(who.platform, who.user_id, now=self.services.clock())
        return self._unsubscribed(message, who, language, left)

    # --- doing it ---------------------------------------------------------------------------------
    async def _subscribe(
        self, message: IncomingMessage, who: Subscriber, language: str, topics: Sequence[str], place: str
    ) -> Reply:
        country, region = await self._place(who, place)
        subscriptions = await self.store.subscribe(
            who.platform,
            who.user_id,
            chat_id=who.chat_id,
            topics=topics,
            country=country,
            region=region,
            language=language,
            now=self.services.clock(),
            kind=who.kind,
        )
        key = "subscribe.channel_done" if who.is_channel else "subscribe.done"
        text = say(self.services, message, key, language, self._described(subscriptions, language))
        return self._reply(message, text, language)

    def _unsubscribed(
        self, message: IncomingMessage, who: Subscriber, language: str, left: list[Subscription]
    ) -> Reply:
        if not left:
            key = "subscribe.channel_unsubscribed" if who.is_channel else "subscribe.unsubscribed_all"
            return self._reply(message, say(self.services, message, key, language), language)
        text = say(
            self.services, message, "subscribe.unsubscribed_some", language, self._described(left, language)
        )
        return self._reply(message, text, language)

    async def _check(
        self, message: IncomingMessage, who: Subscriber, language: str, *, key: str = "subscribe.not_manager"
    ) -> Reply | None:
        """None when the change is allowed; else the refusal, shown only to the one who asked."""
        if not who.is_channel:
            return None
        action = message.command or message.callback_data or "subscription change"
        if await may_manage(
            self.services.channel_authorities, who.platform, who.chat_id, message.user_id, action
        ):
            return None
        return self._reply(message, say(self.services, message, key, language), language, ephemeral=True)

    # --- places -----------------------------------------------------------------------------------
    async def _place(self, who: Subscriber, place: str) -> tuple[str | None, str | None]:
        """(country, region) for a picked place; the usual one when none was picked."""
        if place:
            return split_place(place)
        current = await self.store.subscriptions(who.platform, who.user_id)
        if current:
            return current[0].country, current[0].region
        if who.is_channel:
            return None, None
        profile = await self.services.profiles.get(who.platform, who.user_id)
        if profile is None:
            return None, None
        return profile.country, profile.region

    async def _home_country(self, who: Subscriber) -> str | None:
        country, _ = await self._place(who, "")
        return country

    # --- texts and buttons ------------------------------------------------------------------------
    async def _picker(
        self, message: IncomingMessage, who: Subscriber, language: str, chosen: Sequence[str], place: str
    ) -> Reply:
        where = self.places.describe(join_place(*await self._place(who, place)), language)
        text = say(self.services, message, "subscribe.choose", language, place=where)
        label = self.services.catalogue.text
        rows = [
            [
                Button(
                    label=("✓ " if topic in chosen else "") + label(topic_label_key(topic), language),
                    callback_data=encode(TOGGLE, toggled(chosen, topic), place),
                )
            ]
            for topic in TOPICS
        ]
        rows.append(
            [
                Button(
                    label=label("subscribe.button.all", language),
                    callback_data=encode(DONE, [ALL_TOPICS], place),
                ),
                Button(
                    label=label("subscribe.button.done", language), callback_data=encode(DONE, chosen, place)
                ),
            ]
        )
        return self._reply(message, text, language, buttons=rows)

    def _unknown(
        self,
        message: IncomingMessage,
        language: str,
        typed: str,
        topics: Sequence[str],
        suggestions: Sequence[str],
    ) -> Reply:
        """The place (or topic) was not recognised: offer close places as buttons, or explain."""
        if suggestions:
            text = say(self.services, message, "subscribe.did_you_mean", language, text=typed)
            action = DONE if topics else TOGGLE
            buttons = [
                [
                    Button(
                        label=self.places.describe(code, language), callback_data=encode(action, topics, code)
                    )
                ]
                for code in suggestions
            ]
            return self._reply(message, text, language, buttons=buttons)
        text = say(
            self.services,
            message,
            "subscribe.unknown",
            language,
            text=typed,
            topics=self._topic_names(TOPICS, language),
        )
        return self._reply(message, text, language)

    def _topic_names(self, topics: Sequence[str], language: str) -> str:
        return ", ".join(self.services.catalogue.text(topic_label_key(topic), language) for topic in topics)

    def _described(self, subscriptions: Sequence[Subscription], language: str) -> dict[str, str]:
        first = subscriptions[0]
        place = join_place(first.country, first.region) or EVERYWHERE
        return {
            "topics": self._topic_names([item.topic for item in subscriptions], language),
            "place": self.places.describe(place, language),
        }

    def _reply(
        self,
        message: IncomingMessage,
        text: str,
        language: str,
        *,
        buttons: list[list[Button]] | None = None,
        ephemeral: bool = False,
    ) -> Reply:
        return Reply(
            text=text,
            buttons=buttons or [],
            thread_id=message.thread_id,
            language=language,
            ephemeral=ephemeral,
        )
