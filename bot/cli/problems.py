"""One-line descriptions of configuration problems (pydantic validation errors of the settings)."""
from __future__ import annotations

from pydantic import ValidationError

from bot.settings import Settings

_SECRET_HINTS = ("token", "secret", "password", "database_url")  # values never echoed


def settings_problem(exc: ValidationError) -> str:
    """E.g. "invalid setting AUTO_REPLY_DEFAULT='maybe': Input should be 'on' or 'off'"; one line."""
    parts = []
    for error in exc.errors():
        message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
        if not error.get("loc"):  # a rule across settings: its message names them
            parts.append(message)
            continue
        field = str(error["loc"][0])
        name = field.upper() if field in Settings.model_fields else field
        value = "" if any(h in field.lower() for h in _SECRET_HINTS) else f"={error.get('input')!r}"
        parts.append(message if message.startswith(f"{name}:") else f"{name}{value}: {message}")
    plural = "s" if len(parts) > 1 else ""
    return f"invalid setting{plural} " + "; ".join(parts).replace("\n", " ")
