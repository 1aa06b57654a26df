"""The platform-neutral service the adapters call: commands, auto replies, debates, triggers, feedback."""
from bot.service.service import CounterpointService

__all__ = ["CounterpointService"]
