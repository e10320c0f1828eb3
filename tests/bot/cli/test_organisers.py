"""``eser-bot organisers``: the role granted, listed with where it comes from, and taken away."""

from __future__ import annotations

from tests.bot.cli.conftest import Runner


def test_add_list_and_remove_a_stored_organiser(run: Runner) -> None:
    added = run("organisers", "add", " Telegram : 42 ")
    assert added.exit_code == 0 and "telegram:42 is now an organiser." in added.output
    assert "telegram:42 already was an organiser." in run("organisers", "add", "telegram:42").output
    listed = run("organisers", "list").output
    assert "telegram:42" in listed and "database (cli)" in listed
    assert "slack:UORG" in listed and "ESER_ORGANISERS" in listed
    assert "telegram:42 is no longer an organiser." in run("organisers", "remove", "telegram:42").output
    assert "slack:UORG had no stored role." in run("organisers", "remove", "slack:UORG").output
    assert "telegram:42" not in run("organisers", "list").output


def test_a_member_without_a_platform_is_refused(run: Runner) -> None:
    refused = run("organisers", "add", "42")
    assert refused.exit_code == 2 and "member" in refused.output


def test_an_organiser_is_given_regions_for_hand_offs(run: Runner) -> None:
    added = run("organisers", "add", "telegram:42", "--regions", "be, fr")
    assert added.exit_code == 0 and "telegram:42 answers hand-offs from: BE, FR." in added.output
    assert "slack:UORG answers hand-offs from: ES." in run("organisers", "regions", "slack:UORG", "es").output
    listed = run("organisers", "list").output
    assert "BE,FR" in listed and "ES" in listed
    assert "every country" in run("organisers", "regions", "slack:UORG", "").output
    refused = run("organisers", "regions", "telegram:42", "Belgium")
    assert refused.exit_code == 2 and "not ISO country codes: BELGIUM" in refused.output
