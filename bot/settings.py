"""All configuration in one pydantic-settings object, read from the environment and `.env`."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.paths import BUNDLED_CORPUS_DIR, absolute, beside_env_file, default_data_dir

REPO_ROOT = Path(__file__).resolve().parent.parent
_SLACK_USER_ID = re.compile(r"[UW][A-Z0-9]{2,}")


def _parts(value: Any) -> list[str]:
    """Comma-separated text (the environment's syntax) or a list, as stripped non-empty parts."""
    items = value.split(",") if isinstance(value, str) else list(value) if isinstance(value, (list, tuple)) else [value]
    return [str(item).strip() for item in items if str(item).strip()]


def _guild_ids(value: Any) -> tuple[int, ...]:
    bad = [part for part in _parts(value) if not (part.isascii() and part.isdigit() and int(part) > 0)]
    if bad:
        raise ValueError(f"DISCORD_GUILD_IDS: {bad[0]!r} is not a server id (comma-separated numbers such as "
                         "123456789012345678)")
    return tuple(int(part) for part in _parts(value))


def _shard_ids(value: Any) -> tuple[int, ...]:
    """'0-3,6' -> (0, 1, 2, 3, 6)."""
    if value is None or value == "":
        return ()
    if isinstance(value, (list, tuple)):
        return tuple(int(v) for v in value)
    ids: list[int] = []
    for part in str(value).split(","):
        part = part.strip()
        if not part:
            continue
        low, dash, high = part.partition("-")
        if not low.strip().isdigit() or (dash and not high.strip().isdigit()):
            raise ValueError(f"DISCORD_SHARD_IDS must be shard numbers or ranges such as 0-3,6, not {value!r}")
        first, last = int(low), int(high) if dash else int(low)
        if last < first:
            raise ValueError(f"DISCORD_SHARD_IDS range {part!r} runs backwards")
        ids.extend(range(first, last + 1))
    if len(set(ids)) != len(ids):
        raise ValueError(f"DISCORD_SHARD_IDS names a shard twice: {value!r}")
    return tuple(ids)


def _shard_count(value: Any) -> int | str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = value.strip().lower() if isinstance(value, str) else value
    if text == "auto":
        return "auto"
    count = int(text) if isinstance(text, str) and text.isascii() and text.isdigit() else text
    if isinstance(count, int) and not isinstance(count, bool) and count >= 1:
        return count
    raise ValueError(f"DISCORD_SHARD_COUNT must be a whole number of shards (1 or more) or 'auto', not {value!r}")


def _slack_user_ids(value: Any) -> tuple[str, ...]:
    bad = [part for part in _parts(value) if not _SLACK_USER_ID.fullmatch(part)]
    if bad:
        raise ValueError(f"SLACK_MODERATOR_IDS: {bad[0]!r} is not a Slack user id (comma-separated ids such as "
                         "U012AB3CD)")
    return tuple(_parts(value))


class Settings(BaseSettings):
    """Every setting Counterpoint reads. Secrets are SecretStr so they never print."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore",
                                      env_ignore_empty=True)

    # Corpus and storage
    corpus_dir: Path = Field(BUNDLED_CORPUS_DIR, description="Folder holding sources.yaml and arguments.yaml")
    data_dir: Path = Field(default_factory=default_data_dir, description="Where the default SQLite file lives")
    database_url: str | None = Field(None, description="SQLAlchemy async URL; default sqlite+aiosqlite in data_dir")
    log_level: str | None = Field(None, description="Log level on stderr; unset: INFO for `run`, WARNING otherwise")
    log_format: Literal["text", "json"] = Field("text", description="text: timestamped lines; json: one object a line")
    health_port: int | None = Field(None, ge=1, le=65535, description="Port for /healthz and /metrics; unset: off")
    health_host: str = Field("0.0.0.0", description="Address the health server binds to")

    # Web pages (adapters/web)
    web_port: int | None = Field(None, ge=1, le=65535, description="Port for the web pages; unset: off (HEALTH_PORT's server serves them when the two are equal)")
    web_host: str = Field("0.0.0.0", description="Address the web pages bind to")
    web_base_url: str | None = Field(None, description="Public address of the web pages, e.g. https://counterpoint.example.org; set: replies link each card to its page")
    web_secret: SecretStr | None = Field(None, description="Key that signs debate links (HMAC); unset: no debate links")

    # Matcher and gate
    match_max_chars: int = Field(2000, description="Only this many leading characters of a message are matched")
    trigger_min_confidence: float = Field(0.55, description="Match score + topic weight x topic score needed to auto reply")
    trigger_topic_weight: float = Field(0.25, description="How much on-topic words add to a match's confidence")
    trigger_min_topic: float = Field(0.5, description="Lowest on-topic score (lexicon weights) that may auto reply")
    trigger_min_probability: float | None = Field(None, ge=0.0, le=1.0, description="With embeddings: the learned gate's probability that the first argument is the message's point, needed to auto reply; unset: the threshold fitted with the gate (bot/match/claimgate.json)")

    # Semantic matching (sentence embeddings, bot/match/embed.py)
    embeddings: Literal["on", "off"] = Field("on", description="off: match on words only, never load the embedding model")
    embed_model_dir: Path | None = Field(None, description="Folder with model.onnx + tokenizer.json; unset: the bundled MiniLM")
    embed_threads: int = Field(1, ge=1, le=64, description="onnxruntime threads per embedding call")
    embed_cache_dir: Path | None = Field(None, description="Where embeddings of the map are cached; unset: <data_dir>/cache")

    # Auto replies
    auto_reply_default: Literal["on", "off"] = "off"
    auto_reply_cooldown_seconds: int = 120

    # Several workers on one database
    state_poll_seconds: float = Field(1.0, gt=0, le=60, description="How often a worker checks for others' changes")
    held_messages_max: int = Field(1000, ge=1, description="Messages held while the database is unreachable")
    held_messages_seconds: float = Field(60.0, ge=0, description="How long a message may wait for the database")

    # Discord
    discord_token: SecretStr | None = None
    discord_guild_ids: Annotated[tuple[int, ...], NoDecode, BeforeValidator(_guild_ids)] = Field(
        (), description="Comma-separated guild ids to sync commands to instantly")
    discord_api_base: str | None = None
    discord_gateway_url: str | None = None
    discord_shard_count: Annotated[int | Literal["auto"] | None, BeforeValidator(_shard_count)] = Field(
        None, description="A number, or 'auto'; unset: one gateway connection")
    discord_shard_ids: Annotated[tuple[int, ...], NoDecode, BeforeValidator(_shard_ids)] = Field(
        (), description="Shards this process runs, e.g. 0-3 or 0,2 (needs a numeric DISCORD_SHARD_COUNT); unset: all")

    # Slack
    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str | None = None
    slack_host: str = Field("0.0.0.0", description="Address Slack's HTTP mode binds to")
    slack_moderator_ids: Annotated[tuple[str, ...], NoDecode, BeforeValidator(_slack_user_ids)] = Field(
        (), description="Comma-separated Slack user ids treated as moderators")

    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, env_settings, dotenv_settings,  # type: ignore[override]
                                   file_secret_settings):
        # a relative CORPUS_DIR / DATA_DIR in a .env file means a folder beside that file
        return init_settings, env_settings, beside_env_file(dotenv_settings), file_secret_settings

    @field_validator("corpus_dir", "data_dir", mode="after")
    @classmethod
    def _absolute_folder(cls, value: Path) -> Path:
        return absolute(value)

    @field_validator("embed_model_dir", mode="after")
    @classmethod
    def _absolute_model_folder(cls, value: Path | None) -> Path | None:
        return absolute(value) if value is not None else None

    @model_validator(mode="after")
    def _shards_fit(self) -> "Settings":
        if self.discord_shard_ids:
            count = self.discord_shard_count
            if not isinstance(count, int):
                raise ValueError("DISCORD_SHARD_IDS needs DISCORD_SHARD_COUNT set to a number")
            too_big = [i for i in self.discord_shard_ids if i >= count]
            if too_big:
                raise ValueError(f"DISCORD_SHARD_IDS {too_big[0]} is not below DISCORD_SHARD_COUNT {count}")
        return self

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{self.data_dir / 'counterpoint.sqlite3'}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
