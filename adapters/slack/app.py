"""Build the slack-bolt AsyncApp from Settings and a CounterpointService."""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from pydantic import SecretStr
from slack_bolt.async_app import AsyncApp
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler

from adapters.slack import commands, events
from adapters.slack.deps import SlackDeps
from adapters.slack.moderators import UserDirectory
from adapters.slack.replay import SeenSignatures, VerifyOnce
from bot.logsetup import RejectedBodyFilter
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.service.service import CounterpointService

DEFAULT_API_URL = "https://slack.com/api/"
EVENTS_PATH = "/slack/events"


class SlackConfigError(ValueError):
    """Settings are missing something the Slack adapter needs; the message names what to set."""


def missing_settings(settings: Settings) -> list[str]:
    """Names of the settings still to set: a bot token always; a signing secret unless Socket Mode."""
    missing = []
    if not secret_value(settings.slack_bot_token):
        missing.append("SLACK_BOT_TOKEN")
    if not secret_value(settings.slack_app_token) and not secret_value(settings.slack_signing_secret):
        missing.append("SLACK_SIGNING_SECRET (HTTP mode) or SLACK_APP_TOKEN (Socket Mode)")
    return missing


def secret_value(value: SecretStr | None) -> str:
    """The stripped secret, or "" when unset."""
    return value.get_secret_value().strip() if value is not None else ""


def api_base_url(settings: Settings) -> str:
    """The Web API base (SLACK_API_URL overrides it, e.g. for a local stand-in), ending in a slash."""
    url = (settings.slack_api_url or DEFAULT_API_URL).strip()
    return url if url.endswith("/") else url + "/"


def build_app(settings: Settings, service: CounterpointService) -> tuple[AsyncApp, SlackDeps]:
    """The AsyncApp with every listener attached, and the state the listeners share."""
    missing = missing_settings(settings)
    if missing:
        raise SlackConfigError("Slack needs " + " and ".join(missing))
    signing_secret = secret_value(settings.slack_signing_secret)
    bolt_logger = logging.getLogger("adapters.slack.bolt")
    if not any(isinstance(f, RejectedBodyFilter) for f in bolt_logger.filters):
        bolt_logger.addFilter(RejectedBodyFilter())  # Bolt's loggers copy it: no request body in any log
    app = AsyncApp(
        signing_secret=signing_secret,  # "" rather than None: bolt must not read the environment itself
        # the token, not a client: with a client Bolt warns that SLACK_BOT_TOKEN from the environment is unused
        token=secret_value(settings.slack_bot_token),
        # Requests are verified by VerifyOnce (401 for odd headers, replays answered once) in Bolt's place;
        # Socket Mode without a signing secret: requests arrive over the authenticated socket.
        request_verification_enabled=False,
        before_authorize=VerifyOnce(signing_secret, SeenSignatures(service._core.db)) if signing_secret else None,
        logger=bolt_logger,
    )
    # Bolt copies its client's base URL and retry handlers into the client of every request.
    app.client.base_url = api_base_url(settings)
    app.client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=2))  # honour Retry-After
    deps = SlackDeps(service=service, users=UserDirectory(settings.slack_moderator_ids))
    commands.register(app, deps)
    events.register(app, deps)
    return app, deps
