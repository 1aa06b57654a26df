"""A fake Slack Web API on 127.0.0.1 that records every call, for end-to-end tests of the Slack adapter."""
from slack_standin.blocks import block_errors
from slack_standin.server import ApiCall, SlackStandIn

__all__ = ["ApiCall", "SlackStandIn", "block_errors"]
