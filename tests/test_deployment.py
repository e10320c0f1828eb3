"""The container files: compose.yaml and the Dockerfile name only what exists and runs here.

Docker does not run on this machine, so the files are checked for what can be checked without it:
the services and their order, every setting they pass is a real setting (and validates), every
command they run is a real command of this checkout, the image runs as a non-root user and
downloads nothing when it starts, and the Dockerfile's own build-time check runs as a script.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")
BIN = Path(sys.executable).parent


def instructions() -> list[tuple[str, str]]:
    """The Dockerfile's instructions (continuation lines joined), as (keyword, arguments)."""
    joined = DOCKERFILE.replace("\\\n", " ")
    lines = [
        line.strip() for line in joined.splitlines() if line.strip() and not line.lstrip().startswith("#")
    ]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line else "") for line in lines]


def setting_names() -> set[str]:
    """Every environment variable ``Settings`` reads."""
    return {str(field.validation_alias) for field in Settings.model_fields.values() if field.validation_alias}


def test_compose_runs_postgres_chroma_an_ingest_job_and_two_bot_replicas() -> None:
    services = COMPOSE["services"]
    assert set(services) >= {"postgres", "chroma", "migrate", "ingest", "bot", "redis"}
    assert services["bot"]["deploy"]["replicas"] == 2
    assert services["bot"]["depends_on"]["ingest"]["condition"] == "service_completed_successfully"
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert services["ingest"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert "/readyz" in " ".join(services["bot"]["healthcheck"]["test"])
    assert services["redis"]["profiles"] == ["redis"]  # optional
    for name, service in services.items():
        for needed in service.get("depends_on", {}):
            assert needed in services, f"{name} waits for {needed}, which is not a service"


def test_the_settings_compose_passes_are_real_and_valid(tmp_path: Path) -> None:
    environment = COMPOSE["services"]["bot"]["environment"]
    assert set(environment) <= setting_names(), set(environment) - setting_names()
    settings = Settings(**{**environment, "ESER_DATA_DIR": str(tmp_path)})
    assert settings.effective_database_url.startswith("postgresql+asyncpg://eser:eser@postgres:5432/")
    assert (settings.chroma_host, settings.chroma_port) == ("chroma", 8000)


@pytest.mark.parametrize("service", ["chroma", "migrate", "ingest", "bot"])
def test_every_command_compose_runs_exists(service: str) -> None:
    command = COMPOSE["services"][service]["command"]
    program, *arguments = command
    # The command's own --help, with the positional arguments that select it (not its values).
    selector = [argument for argument in arguments if not argument.startswith("-")][:1]
    if program == "eser-bot" and arguments[0] == "serve":
        selector = ["serve"]
    done = subprocess.run(
        [str(BIN / program), *selector, "--help"], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr


def test_the_image_runs_as_a_user_and_downloads_nothing_at_start() -> None:
    steps = instructions()
    users = [arguments for keyword, arguments in steps if keyword == "USER"]
    assert users and users[-1] not in ("root", "0")
    start = " ".join(arguments for keyword, arguments in steps if keyword in ("CMD", "ENTRYPOINT"))
    assert "eser-bot" in start and "serve" in start
    for forbidden in ("playwright install", "hf_hub_download", "huggingface-cli", "curl ", "wget "):
        assert forbidden not in start
    env = " ".join(arguments for keyword, arguments in steps if keyword == "ENV")
    assert "HF_HUB_OFFLINE=1" in env and "TRANSFORMERS_OFFLINE=1" in env
    for keyword, arguments in steps:
        if keyword == "COPY":
            *sources, _ = arguments.split()
            assert all((ROOT / source).exists() for source in sources), arguments


def test_the_images_build_time_check_runs_here() -> None:
    steps = instructions()
    after_user = steps[[keyword for keyword, _ in steps].index("USER") :]
    [check] = [arguments for keyword, arguments in after_user if keyword == "RUN"]
    environment = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run(
        ["bash", "-c", check], capture_output=True, text=True, timeout=300, env=environment, check=False
    )
    assert done.returncode == 0, f"{shlex.quote(check)}: {done.stderr}"
