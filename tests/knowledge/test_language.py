"""Language detection on short questions, ties broken by the member's language, and the languages the
bot recognises without speaking them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from knowledge.language import LanguageDetector

ROOT = Path(__file__).resolve().parents[2]
EVAL = ROOT / "knowledge" / "eval"


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return LanguageDetector()


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("Comment ma commune peut-elle rejoindre le réseau ESER ?", "fr"),
        ("Wie kann unsere Gemeinde dem ESER-Netzwerk beitreten?", "de"),
        ("¿Cómo puede mi ayuntamiento unirse a la red ESER?", "es"),
        ("Come può il mio comune aderire alla rete ESER?", "it"),
        ("Jak nasza gmina może dołączyć do sieci ESER?", "pl"),
        ("How can our municipality join the ESER network?", "en"),
        ("What is InvestEU?", "en"),  # a name says nothing about the language
        ("¿Qué es ESER?", "es"),
        ("Co to jest ESER?", "pl"),
        ("What is the Interreg budget for cross-border cooperation?", "en"),
    ],
)
def test_detects_the_six_languages(detector: LanguageDetector, question: str, language: str) -> None:
    found = detector.detect(question)
    assert (found.code, found.supported) == (language, True)


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("Como posso aderir ao ESER?", "pt"),  # not taken for Spanish
        ("Hoe kunnen we lid worden van ESER?", "nl"),
        ("Cum putem adera la ESER?", "ro"),
        ("Jak se můžeme připojit k ESER?", "cs"),
        ("Πώς μπορούμε να γίνουμε μέλη του ESER;", "el"),
    ],
)
def test_languages_the_bot_does_not_speak_are_recognised(
    detector: LanguageDetector, question: str, language: str
) -> None:
    found = detector.detect(question)
    assert (found.code, found.supported) == (language, False)


def test_without_evidence_the_members_language_decides(detector: LanguageDetector) -> None:
    assert detector.detect("ESER?", hint="it").code == "it"
    assert detector.detect("ESER?").code == "en"
    assert not detector.detect("ESER?", hint="pl").confident


def test_the_hint_breaks_a_close_call(detector: LanguageDetector) -> None:
    assert detector.detect("Horizon Europe budget", hint="fr").code == "fr"  # English by a hair
    assert detector.detect("Horizon Europe budget").code == "en"
    assert detector.detect("Wie kann unsere Gemeinde dem ESER-Netzwerk beitreten?", hint="fr").code == "de"


def _accuracy(detector: LanguageDetector, path: Path) -> tuple[int, int]:
    sets: dict[str, list[str]] = yaml.safe_load(path.read_text(encoding="utf-8"))
    right = total = 0
    for language, questions in sets.items():
        for question in questions:
            assert len(question.split()) <= 6, question
            total += 1
            right += detector.detect(question).code == language
    return right, total


@pytest.mark.parametrize("name", ["languages-dev.yaml", "languages.yaml"])
def test_short_questions_in_the_six_languages(detector: LanguageDetector, name: str) -> None:
    # languages.yaml is held out: written before detection changed and never tuned on.
    right, total = _accuracy(detector, EVAL / name)
    assert total >= 60 and right / total >= 0.98, f"{right}/{total}"


def test_after_the_warm_up_a_first_long_question_loads_no_model() -> None:
    # lingua loads its n-gram models as texts first need them: the first long question used to load
    # them all in about 1.3 s, holding the GIL and so stalling every other message in the process.
    # In a new process: lingua keeps loaded models for the process, whichever detector loaded them.
    script = """
import time
from knowledge.language import LanguageDetector
detector = LanguageDetector()
detector.warm_up()
started = time.thread_time()
for question in (
    "Which regional authorities cooperate on social procurement across borders?",
    "Quelles collectivités territoriales coopèrent sur les marchés publics responsables ?",
    "Welche Gebietskörperschaften arbeiten bei sozialverantwortlicher Beschaffung zusammen?",
):
    detector.detect(question)
print(time.thread_time() - started)
"""
    command = [sys.executable, "-c", script]
    done = subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT)
    assert float(done.stdout.strip()) < 0.3
