"""The flow files: they load, every text they name is translated, and each diagram is generated
from its flow (and shown in the documentation)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.broadcast.service import MAX_ANNOUNCEMENT_CHARS
from bot.guided.flow import END, FLOWS_DIR, load_flow, load_flows, mermaid
from bot.i18n import LANGUAGES, Catalogue
from bot.topics import TOPICS
from knowledge.safe_yaml import YamlError

FLOWS = load_flows()
DOCS = Path(__file__).resolve().parents[3] / "docs" / "guided-chats.md"


def test_the_five_flows_and_their_commands() -> None:
    assert {flow.id: flow.command for flow in FLOWS.values()} == {
        "onboarding": "start",
        "newevent": "newevent",
        "announce": "announce",
        "handoff": "handoff",
        "human": "human",
    }
    assert (
        FLOWS["newevent"].requires == FLOWS["announce"].requires == FLOWS["handoff"].requires == "organiser"
    )
    assert FLOWS["human"].requires is None
    assert FLOWS["onboarding"].requires is None and FLOWS["onboarding"].pause_when_idle


@pytest.mark.parametrize("flow_id", sorted(FLOWS))
def test_each_diagram_is_in_sync_with_its_flow(flow_id: str) -> None:
    checked_in = (FLOWS_DIR / f"{flow_id}.mmd").read_text(encoding="utf-8")
    assert checked_in == mermaid(FLOWS[flow_id]), (
        f"{flow_id}.mmd is out of date: run `.venv/bin/python -m bot.guided.flow`"
    )


@pytest.mark.parametrize("flow_id", sorted(FLOWS))
def test_the_documentation_shows_each_current_diagram(flow_id: str) -> None:
    assert f"```mermaid\n{mermaid(FLOWS[flow_id])}```" in DOCS.read_text(encoding="utf-8"), (
        f"paste the regenerated {flow_id}.mmd into docs/guided-chats.md"
    )


def test_diagram_shows_every_step_and_transition() -> None:
    flow = FLOWS["onboarding"]
    diagram = mermaid(flow)
    assert diagram.splitlines()[1] == "stateDiagram-v2"
    assert f"[*] --> {flow.start}" in diagram
    for step in flow.steps.values():
        for label, target in step.targets():
            arrow = f"{step.id} --> {'[*]' if target == END else target}"
            assert (f"{arrow}: {label}" if label else arrow) in diagram
    assert "country --> outside_eu: outside" in diagram
    assert "the member must be an organiser" in mermaid(FLOWS["announce"])


@pytest.mark.parametrize("flow_id", sorted(FLOWS))
def test_every_text_of_each_flow_exists_in_every_language(catalogue: Catalogue, flow_id: str) -> None:
    keys = FLOWS[flow_id].catalogue_keys()
    for language in LANGUAGES:
        missing = keys - catalogue.keys(language)
        assert not missing, f"{language} lacks {sorted(missing)}"


def test_fields_and_values_match_the_rest_of_the_bot() -> None:
    assert FLOWS["onboarding"].fields() == [
        "language",
        "organisation_type",
        "country",
        "region",
        "interests",
        "consent",
    ]
    organisation = FLOWS["onboarding"].step("organisation")
    audiences = {"public-authority", "social-enterprise", "ngo", "network", "researcher"}
    assert {option.value for option in organisation.options} == audiences | {"other"}
    for flow_id in ("newevent", "announce"):
        assert tuple(option.value for option in FLOWS[flow_id].step("topics").options) == TOPICS
    assert FLOWS["announce"].step("text").params["max_length"] == MAX_ANNOUNCEMENT_CHARS


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("next: organisation\n", "next: nowhere\n"),
        ("start: language", "start: missing"),
        ("- {value: ngo,", "- {value: 'n:go',"),
    ],
)
def test_a_broken_flow_is_refused(tmp_path: Path, change: str, message: str) -> None:
    broken = tmp_path / "onboarding.yaml"
    text = (FLOWS_DIR / "onboarding.yaml").read_text(encoding="utf-8")
    assert change in text
    broken.write_text(text.replace(change, message, 1), encoding="utf-8")
    with pytest.raises(ValidationError):
        load_flow(broken)


def test_a_malformed_flow_file_names_its_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: x\nsteps: [unclosed\n", encoding="utf-8")
    with pytest.raises(YamlError, match=r"broken\.yaml"):
        load_flow(broken)
