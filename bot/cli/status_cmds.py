"""CLI subcommand `status`: a local database's facts, and the running bot's /healthz when HEALTH_PORT is set."""
from __future__ import annotations

import argparse
import asyncio
import json
import urllib.error
import urllib.request

from bot.exitcodes import ExitCode
from bot.settings import Settings, get_settings

PROBE_TIMEOUT = 3.0  # seconds


def register(sub: argparse._SubParsersAction) -> None:
    """Add this module's subcommand."""
    status = sub.add_parser("status", help="replies today, channels opted in, triggers, open debates (and health)")
    status.add_argument("--json", action="store_true", help="one JSON object instead of lines")
    status.set_defaults(handler=_status)


def running_bot(settings: Settings) -> dict[str, object] | None:
    """The running bot's /healthz answer on this machine, {"status": "not answering"} if none, None if off."""
    if settings.health_port is None:
        return None
    url = f"http://127.0.0.1:{settings.health_port}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=PROBE_TIMEOUT) as resp:  # noqa: S310 - our own loopback URL
            body = json.loads(resp.read())
    except urllib.error.HTTPError as exc:  # 503 still carries the facts
        try:
            body = json.loads(exc.read())
        except ValueError:
            body = {"status": f"HTTP {exc.code}"}
    except (OSError, ValueError):
        body = {"status": "not answering"}
    return {"url": url, **(body if isinstance(body, dict) else {"status": "unreadable"})}


def _status(args: argparse.Namespace) -> int:
    from bot.health.status import instance_status, status_lines

    settings = get_settings()
    status = asyncio.run(instance_status(settings))
    bot = running_bot(settings)
    if args.json:
        print(json.dumps({**status.as_dict(), **({"running_bot": bot} if bot is not None else {})}))
    else:
        lines = status_lines(status)
        if bot is not None:
            facts = ", ".join(f"{k} {'yes' if v else 'no'}" for k, v in bot.items()
                              if k in ("database", "connected", "index"))
            lines.append(f"running bot   {bot['status']} at {bot['url']}" + (f" ({facts})" if facts else ""))
        print("\n".join(lines))
    return ExitCode.OK if status.reachable else ExitCode.DATABASE
