"""Discord adapter: a discord.py bot that turns messages, slash commands and reactions into service calls."""
