"""A local stand-in for Discord's REST API and gateway, for end-to-end tests of the Discord adapter."""
from discord_standin.server import TOKEN, DiscordStandIn, Recorded
from discord_standin.world import Channel, User, World

__all__ = ["TOKEN", "Channel", "DiscordStandIn", "Recorded", "User", "World"]
