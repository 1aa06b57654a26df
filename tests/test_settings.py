"""Typed settings: comma-separated ids and the shard count parse from env and `.env`; bad values name the setting."""
from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.settings import Settings

TYPED = ("DISCORD_GUILD_IDS", "DISCORD_SHARD_COUNT", "SLACK_MODERATOR_IDS")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in TYPED:
        monkeypatch.delenv(name, raising=False)


def test_unset_means_none_of_each():
    settings = Settings(_env_file=None)
    assert settings.discord_guild_ids == () and settings.slack_moderator_ids == ()
    assert settings.discord_shard_count is None


def test_comma_separated_environment_values(monkeypatch):
    monkeypatch.setenv("DISCORD_GUILD_IDS", "123456789012345678, 42,")
    monkeypatch.setenv("SLACK_MODERATOR_IDS", "U0LISTEDMOD,W012AB3CD")
    monkeypatch.setenv("DISCORD_SHARD_COUNT", "4")
    settings = Settings(_env_file=None)
    assert settings.discord_guild_ids == (123456789012345678, 42)
    assert settings.slack_moderator_ids == ("U0LISTEDMOD", "W012AB3CD")
    assert settings.discord_shard_count == 4


def test_comma_separated_values_in_a_dotenv_file(tmp_path):
    (tmp_path / ".env").write_text("DISCORD_GUILD_IDS=1,2\nSLACK_MODERATOR_IDS=U1AB\nDISCORD_SHARD_COUNT= Auto\n")
    settings = Settings(_env_file=tmp_path / ".env")
    assert settings.discord_guild_ids == (1, 2) and settings.slack_moderator_ids == ("U1AB",)
    assert settings.discord_shard_count == "auto"


@pytest.mark.parametrize("name, value", [
    ("DISCORD_GUILD_IDS", "abc"), ("DISCORD_GUILD_IDS", "123,12x"), ("DISCORD_GUILD_IDS", "[1, 2]"),
    ("DISCORD_GUILD_IDS", "-5"), ("DISCORD_SHARD_COUNT", "lots"), ("DISCORD_SHARD_COUNT", "0"),
    ("DISCORD_SHARD_COUNT", "1.5"), ("SLACK_MODERATOR_IDS", "alice"), ("SLACK_MODERATOR_IDS", "U0MOD,<@U0MOD>"),
])
def test_a_bad_value_is_an_error_naming_the_setting(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError) as caught:
        Settings(_env_file=None)
    [problem] = caught.value.errors()
    assert problem["loc"] == (name.lower(),)
    assert [other for other in TYPED if other in problem["msg"]] == [name]  # named as it is set, and only it
