"""The bot's own small HTTP server: /healthz and /metrics, and the routes later parts add."""
