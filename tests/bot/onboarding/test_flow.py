"""The flow file: it loads, every text it names is translated, and flow.mmd is generated from it."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.i18n import LANGUAGES, Catalogue
from bot.onboarding.engine import FlowEngine
from bot.onboarding.flow import END, FLOW_FILE, load_flow, mermaid
from bot.onboarding.places import Places
from bot.onboarding.validators import standard_validators


def test_flow_diagram_is_in_sync_with_the_flow() -> None:
    checked_in = (FLOW_FILE.parent / "flow.mmd").read_text(encoding="utf-8")
    assert checked_in == mermaid(load_flow()), (
        "flow.mmd is out of date: run `.venv/bin/python -m bot.onboarding.flow > bot/onboarding/flow.mmd`"
    )


def test_diagram_shows_every_step_and_transition() -> None:
    flow = load_flow()
    diagram = mermaid(flow)
    assert diagram.splitlines()[1] == "stateDiagram-v2"
    assert f"[*] --> {flow.start}" in diagram
    for step in flow.steps.values():
        for label, target in step.targets():
            arrow = f"{step.id} --> {'[*]' if target == END else target}"
            assert (f"{arrow}: {label}" if label else arrow) in diagram
    assert "country --> outside_eu: outside" in diagram


def test_every_text_of_the_flow_exists_in_every_language(catalogue: Catalogue) -> None:
    keys = load_flow().catalogue_keys()
    for language in LANGUAGES:
        missing = keys - catalogue.keys(language)
        assert not missing, f"{language} lacks {sorted(missing)}"


def test_every_validator_the_flow_names_exists(catalogue: Catalogue) -> None:
    flow = load_flow()
    FlowEngine(flow, standard_validators(Places(LANGUAGES)), catalogue)  # raises on an unknown name
    assert flow.fields() == ["language", "organisation_type", "country", "region", "interests", "consent"]


def test_option_values_are_the_knowledge_base_audiences() -> None:
    organisation = load_flow().step("organisation")
    audiences = {"public-authority", "social-enterprise", "ngo", "network", "researcher"}
    assert {option.value for option in organisation.options} == audiences | {"other"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("next: organisation\n", "next: nowhere\n"),
        ("start: language", "start: missing"),
        ("- {value: ngo,", "- {value: 'n:go',"),
    ],
)
def test_a_broken_flow_is_refused(tmp_path: Path, change: str, message: str) -> None:
    broken = tmp_path / "flow.yaml"
    text = FLOW_FILE.read_text(encoding="utf-8")
    assert change in text
    broken.write_text(text.replace(change, message, 1), encoding="utf-8")
    with pytest.raises(ValidationError):
        load_flow(broken)


def test_the_documentation_shows_the_current_diagram() -> None:
    docs = Path(__file__).resolve().parents[3] / "docs" / "onboarding.md"
    assert f"```mermaid\n{mermaid(load_flow())}```" in docs.read_text(encoding="utf-8"), (
        "paste the regenerated flow.mmd into docs/onboarding.md"
    )
