"""All configuration in one pydantic-settings object, read from the environment and `.env`."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Every setting Counterpoint reads. Secrets are SecretStr so they never print."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore",
                                      env_ignore_empty=True)

    # Corpus and storage
    corpus_dir: Path = Field(REPO_ROOT / "corpus", description="Folder holding sources.yaml and arguments.yaml")
    data_dir: Path = Field(REPO_ROOT / "data", description="Where the default SQLite file lives")
    database_url: str | None = Field(None, description="SQLAlchemy async URL; default sqlite+aiosqlite in data_dir")
    log_level: str = Field("WARNING", description="Log level on stderr: DEBUG, INFO, WARNING, ERROR")

    # Matcher and gate
    match_max_chars: int = Field(2000, description="Only this many leading characters of a message are matched")
    trigger_min_confidence: float = Field(0.55, description="Match score + topic weight x topic score needed to auto reply")
    trigger_topic_weight: float = Field(0.25, description="How much on-topic words add to a match's confidence")
    trigger_min_topic: float = Field(0.5, description="Lowest on-topic score (lexicon weights) that may auto reply")

    # Auto replies
    auto_reply_default: Literal["on", "off"] = "off"
    auto_reply_cooldown_seconds: int = 120

    # Discord
    discord_token: SecretStr | None = None
    discord_guild_ids: str = Field("", description="Comma-separated guild ids to sync commands to instantly")
    discord_api_base: str | None = None
    discord_gateway_url: str | None = None
    discord_shard_count: str | None = Field(None, description="A number, or 'auto'")

    # Slack
    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str | None = None
    slack_moderator_ids: str = Field("", description="Comma-separated Slack user ids treated as moderators")

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{self.data_dir / 'counterpoint.sqlite3'}"

    @staticmethod
    def split_ids(value: str) -> list[str]:
        return [part.strip() for part in value.split(",") if part.strip()]


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
