"""The bot's invite link: the OAuth2 scopes and exactly the permissions the code uses."""
from __future__ import annotations

import discord

# Read messages where it answers, post quote cards (embeds), start a thread from the message it answers and
# post in threads; Read Message History lets it fetch the message a thread was started from, which a short
# reply in that thread answers (adapters/discord/answered.py; without it such replies lack that context).
# It never adds reactions (it only reads them, which needs no permission), so Add Reactions is not asked for.
INVITE_PERMISSIONS = discord.Permissions(view_channel=True, send_messages=True, embed_links=True,
                                         read_message_history=True, create_public_threads=True,
                                         send_messages_in_threads=True)
SCOPES = ("bot", "applications.commands")


def invite_url(application_id: int | str) -> str:
    """The URL a server admin opens to add the bot with these scopes and permissions."""
    return (f"https://discord.com/oauth2/authorize?client_id={application_id}&scope={'+'.join(SCOPES)}"
            f"&permissions={INVITE_PERMISSIONS.value}")
