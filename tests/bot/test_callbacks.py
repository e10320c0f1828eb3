"""Signed button payloads: only what the bot made, for the platform it made it for."""

from __future__ import annotations

import pytest

from bot.callbacks import PAYLOAD_LIMIT, SEPARATOR, CallbackSigner, SigningSender
from bot.delivery import SentMessage
from bot.models import Button, Reply, Target

SIGNER = CallbackSigner(b"k" * 32)


def test_a_signed_payload_verifies_on_its_platform_only() -> None:
    signed = SIGNER.sign("telegram", "sub:ok:a:ES")
    assert signed.startswith("sub:ok:a:ES" + SEPARATOR) and len(signed.encode()) == len("sub:ok:a:ES") + 9
    assert SIGNER.verify("telegram", signed) == "sub:ok:a:ES"
    assert SIGNER.verify("slack", signed) is None
    assert CallbackSigner(b"x" * 32).verify("telegram", signed) is None


@pytest.mark.parametrize(
    "forged",
    [
        "sub:ok:a:XX-<b>evil</b>",
        "pv:forget:yes",
        "sub:ok:a:XX-<b>evil</b>~AAAAAAAA",
        "~",
        "",
        "fb:1:up~" + "A" * 20,
    ],
)
def test_forged_or_altered_payloads_are_refused(forged: str) -> None:
    assert SIGNER.verify("telegram", forged) is None
    signed = SIGNER.sign("telegram", "sub:ok:a:ES")
    assert SIGNER.verify("telegram", signed.replace("ES", "FR")) is None


def test_the_longest_payload_still_fits_telegram_once_signed() -> None:
    data = "x" * PAYLOAD_LIMIT
    assert len(SIGNER.sign("telegram", data).encode()) == 64


def test_replies_get_their_callback_buttons_signed_and_links_untouched() -> None:
    reply = Reply(
        text="Pick",
        buttons=[[Button(label="Up", callback_data="fb:1:up"), Button(label="Web", url="https://x.eu")]],
    )
    signed = SIGNER.sign_reply("slack", reply)
    up, web = signed.buttons[0]
    assert SIGNER.verify("slack", up.callback_data or "") == "fb:1:up" and web.url == "https://x.eu"
    assert reply.buttons[0][0].callback_data == "fb:1:up"  # the original is left alone


async def test_a_signing_sender_signs_for_the_target_platform() -> None:
    class Recorder:
        platform = "telegram"

        def __init__(self) -> None:
            self.sent: list[Reply] = []

        async def send(self, target: Target, reply: Reply) -> SentMessage:
            self.sent.append(reply)
            return SentMessage(target=target, message_id="1")

    inner = Recorder()
    sender = SigningSender(inner, SIGNER)
    target = Target(platform="telegram", chat_id="5")
    await sender.send(
        target, Reply(text="Unsubscribe?", buttons=[[Button(label="Stop", callback_data="unsub")]])
    )
    [sent] = inner.sent
    assert SIGNER.verify("telegram", sent.buttons[0][0].callback_data or "") == "unsub"
