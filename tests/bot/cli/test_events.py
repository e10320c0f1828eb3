"""``eser-bot events``: add, list, remove and import from the command line, with clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli.main import build_cli

cli = build_cli()
ADD = [
    "events",
    "add",
    "--title",
    "Social economy summit Madrid",
    "--start",
    "2099-12-03 10:00",
    "--end",
    "2099-12-03 17:00",
    "--timezone",
    "Europe/Madrid",
    "--place",
    "Palacio de Congresos, Madrid",
    "--signup",
    "https://events.example.org/madrid/register",
    "--language",
    "es",
    "--region",
    "ES",
    "--topics",
    "events,funding",
]


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ESER_DATA_DIR", str(tmp_path / "data"))
    (tmp_path / "content").mkdir()
    monkeypatch.setenv("ESER_CONTENT_DIRS", str(tmp_path / "content"))
    monkeypatch.delenv("ESER_LLM", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    return tmp_path / "data"


def test_add_list_and_remove(data_dir: Path) -> None:
    runner = CliRunner()
    added = runner.invoke(cli, ADD)
    assert added.exit_code == 0, added.output
    assert "Added ev-" in added.stdout and "(Europe/Madrid)" in added.stdout
    listed = runner.invoke(cli, ["events", "list", "--json"])
    [event] = json.loads(listed.stdout)
    assert event["title"] == "Social economy summit Madrid" and event["start"] == "2099-12-03T09:00:00Z"
    assert event["topics"] == ["events", "funding"] and event["signup_url"].endswith("/register")
    table = runner.invoke(cli, ["events", "list"])
    assert event["id"] in table.stdout and "2099-12-03 10:00 Europe/Madrid" in table.stdout
    removed = runner.invoke(cli, ["events", "remove", event["id"]])
    assert (
        removed.exit_code == 0 and json.loads(runner.invoke(cli, ["events", "list", "--json"]).stdout) == []
    )
    missing = runner.invoke(cli, ["events", "remove", event["id"]])
    assert missing.exit_code == 1 and "No stored event" in missing.output


def test_add_with_an_id_of_ones_own(data_dir: Path) -> None:
    runner = CliRunner()
    added = runner.invoke(cli, [*ADD, "--id", "madrid-summit-2099"])
    assert added.exit_code == 0 and "Added madrid-summit-2099 " in added.stdout, added.output
    again = runner.invoke(cli, [*ADD, "--id", "madrid-summit-2099", "--place", "IFEMA, Madrid"])
    [event] = json.loads(runner.invoke(cli, ["events", "list", "--json"]).stdout)
    assert again.exit_code == 0 and event["id"] == "madrid-summit-2099" and event["place"] == "IFEMA, Madrid"
    refused = runner.invoke(cli, [*ADD, "--id", "Not An Id"])
    assert refused.exit_code == 2 and "Event not added — id:" in refused.output


@pytest.mark.parametrize(
    ("option", "value", "field"),
    [
        ("--signup", "htp:/broken", "signup_url"),
        ("--start", "3 December", "start"),
        ("--timezone", "Europe/Atlantis", "timezone"),
        ("--region", "Spain", "region"),
    ],
)
def test_a_bad_value_exits_2_naming_the_field(data_dir: Path, option: str, value: str, field: str) -> None:
    args = [*ADD]
    args[args.index(option) + 1] = value
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2 and f"Event not added — {field}:" in result.output, result.output
    assert "Traceback" not in result.output


def test_import_loads_the_good_events_and_names_the_bad_ones(data_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "events.yaml"
    path.write_text(
        "- title: Good\n  start: 2099-01-01T10:00:00\n"
        "- title: Bad\n  start: 2099-01-02T10:00:00\n  url: not-a-link\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["events", "import", str(path)])
    assert result.exit_code == 1 and "1 added, 0 updated, 1 failed" in result.stdout
    assert f"{path}:3: event 2 'Bad': url is not an http(s) link" in result.output
    other = CliRunner().invoke(cli, ["events", "import", str(tmp_path / "notes.txt")])
    assert other.exit_code == 2 and "No such file" in other.output


def test_ask_finds_an_event_added_from_the_command_line(data_dir: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ADD).exit_code == 0  # stored only; `ask` indexes it at start-up
    answer = runner.invoke(cli, ["ask", "--json", "Which events are coming up in Spain?"])
    data = json.loads(answer.stdout.strip().splitlines()[-1])
    assert data["grounded"] and "Social economy summit Madrid" in data["answer"]
