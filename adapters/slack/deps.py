"""What the Slack listeners share: the service, the user directory and the delivery log."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from adapters.slack.delivery import DeliveryLog
from adapters.slack.moderators import UserDirectory

if TYPE_CHECKING:
    from bot.service.service import CounterpointService


@dataclass(slots=True)
class SlackDeps:
    """Per-app state handed to every listener (no module-level globals)."""

    service: CounterpointService
    users: UserDirectory
    deliveries: DeliveryLog = field(default_factory=DeliveryLog)
