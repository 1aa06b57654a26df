"""Slack adapter: a slack-bolt AsyncApp that turns Slack events and slash commands into service calls."""
