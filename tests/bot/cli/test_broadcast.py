"""``eser-bot broadcast``: the organiser check, preview and confirmation, the idempotency key,
scheduling, cancelling and status."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.bot.cli.conftest import Runner


def subscriber(run: Runner, tmp_path: Path, topic: str = "all") -> None:
    """One Telegram member subscribed to ``topic`` (the database is made by a first command)."""
    assert run("organisers", "list").exit_code == 0
    with sqlite3.connect(tmp_path / "eser.db") as db:
        db.execute(
            "INSERT INTO subscriptions (platform, user_id, chat_id, topic, created_at, kind, active)"
            " VALUES ('telegram', 'u1', '1', ?, '2026-11-01 00:00:00', 'member', 1)",
            (topic,),
        )


def test_sending_to_nobody_is_refused(run: Runner, tmp_path: Path) -> None:
    nobody = run("broadcast", "send", "--as", "slack:UORG", "--text", "Hello", "--yes")
    assert nobody.exit_code == 1 and "Nobody would receive this announcement" in nobody.output
    assert "No announcements yet." in run("broadcast", "status").output
    subscriber(run, tmp_path, topic="funding")
    other_topic = run("broadcast", "send", "--as", "slack:UORG", "--text", "Hi", "--topic", "events", "--yes")
    assert other_topic.exit_code == 1 and "Nobody would receive" in other_topic.output
    sent = run("broadcast", "send", "--as", "slack:UORG", "--text", "Hi", "--topic", "funding", "--yes")
    assert sent.exit_code == 0 and "Queued as announcement #1" in sent.output


def test_only_organisers_may_broadcast(run: Runner, tmp_path: Path) -> None:
    subscriber(run, tmp_path)
    refused = run("broadcast", "send", "--as", "telegram:42", "--text", "Hello", "--yes")
    assert refused.exit_code == 2
    assert "telegram:42 is not an organiser" in refused.output and "organisers add" in refused.output
    assert run("organisers", "add", "telegram:42").exit_code == 0
    listed = run("organisers", "list")
    assert "telegram:42" in listed.output and "slack:UORG" in listed.output
    sent = run("broadcast", "send", "--as", "telegram:42", "--text", "Hello", "--yes")
    assert sent.exit_code == 0, sent.output
    assert run("organisers", "remove", "telegram:42").exit_code == 0
    assert run("broadcast", "send", "--as", "telegram:42", "--text", "Again", "--yes").exit_code == 2


def test_preview_asks_before_queueing_and_a_key_is_used_once(run: Runner, tmp_path: Path) -> None:
    subscriber(run, tmp_path)
    declined = run(
        "broadcast",
        "send",
        "--as",
        "slack:UORG",
        "--text",
        "Webinar @here",
        "--topic",
        "events",
        answer="n\n",
    )
    assert declined.exit_code == 1 and "Not sent" in declined.output
    assert "Recipients — telegram: 1, slack: 0 (total 1)" in declined.output
    assert "@here" not in declined.output.replace("@\u200dhere", "")  # shown defanged, as sent
    assert "No announcements yet." in run("broadcast", "status").output

    first = run("broadcast", "send", "--as", "slack:UORG", "--text", "Webinar", "--key", "w1", answer="y\n")
    assert first.exit_code == 0 and "Queued as announcement #1" in first.output
    again = run("broadcast", "send", "--as", "slack:UORG", "--text", "Webinar", "--key", "w1", "--yes")
    assert again.exit_code == 0 and "already used by announcement #1" in again.output
    status = run("broadcast", "status", "1")
    assert status.exit_code == 0 and "scheduled" in status.output


def test_bad_input_is_named_and_scheduled_sends_can_be_cancelled(run: Runner, tmp_path: Path) -> None:
    subscriber(run, tmp_path)
    bad_time = run("broadcast", "send", "--as", "slack:UORG", "--text", "x", "--at", "soon", "--yes")
    assert bad_time.exit_code == 2 and "--at" in bad_time.output
    bad_topic = run("broadcast", "send", "--as", "slack:UORG", "--text", "x", "--topic", "gardening", "--yes")
    assert bad_topic.exit_code == 2 and "“gardening” is not a topic" in bad_topic.output
    bad_who = run("broadcast", "send", "--as", "UORG", "--text", "x", "--yes")
    assert bad_who.exit_code == 2 and "--as" in bad_who.output
    later = run(
        "broadcast",
        "send",
        "--as",
        "slack:UORG",
        "--text",
        "Later",
        "--at",
        "2031-01-05 09:00 Europe/Rome",
        "--yes",
    )
    assert later.exit_code == 0 and "2031-01-05T09:00:00+01:00" in later.output
    assert run("broadcast", "cancel", "1", "--as", "telegram:5").exit_code == 2
    cancelled = run("broadcast", "cancel", "1", "--as", "slack:UORG")
    assert cancelled.exit_code == 0 and "cancelled" in cancelled.output
    assert run("broadcast", "cancel", "1", "--as", "slack:UORG").exit_code == 1


def test_as_is_normalised_so_one_organiser_has_one_spelling(run: Runner, tmp_path: Path) -> None:
    subscriber(run, tmp_path)
    sent = run("broadcast", "send", "--as", " Slack : UORG ", "--text", "Hello", "--yes")
    assert sent.exit_code == 0, sent.output
    with sqlite3.connect(tmp_path / "eser.db") as db:
        assert db.execute("SELECT created_by FROM announcements").fetchall() == [("slack:UORG",)]
    refused = run("broadcast", "send", "--as", "slack:U ORG", "--text", "Hello", "--yes")
    assert refused.exit_code == 2 and "no spaces" in refused.output
