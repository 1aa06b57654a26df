"""`counterpoint status`: replies today, channels opted in, triggers and open debates of a local database."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from bot.db.engine import Database
from bot.db.migrate import upgrade_database
from bot.db.models.service import ChannelSetting, Debate, PostedReply, Trigger
from bot.db.types import utcnow

COUNTERPOINT = str(Path(sys.executable).parent / "counterpoint")


def status(tmp_path: Path, url: str, *args: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "HEALTH_", "AUTO_REPLY"))}
    return subprocess.run([COUNTERPOINT, "status", *args], cwd=tmp_path, env={**base, "DATABASE_URL": url, **env},
                          capture_output=True, text=True, timeout=120)


async def test_status_counts_what_the_database_holds(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
    await upgrade_database(url)
    now = utcnow()
    db = Database(url)
    try:
        async with db.write() as s:
            for i, on in enumerate((True, True, False)):
                s.add(ChannelSetting(workspace_id="W", channel_id=f"C{i}", autoreply=on, updated_at=now))
            s.add(Trigger(workspace_id="W", scope="channel", channel_id="C0", kind="word", pattern="llama",
                          created_by="mod", created_at=now))
            for state in ("open", "open", "closed"):
                s.add(Debate(platform="slack", workspace_id="W", channel_id="C0", motion="m", status=state,
                             opened_by="mod", opened_at=now))
            for kind, when in (("auto", now), ("auto", now), ("command", now), ("auto", now - timedelta(days=2))):
                s.add(PostedReply(platform="slack", workspace_id="W", channel_id="C0", kind=kind, created_at=when,
                                  argument_ids=[], quote_keys=[]))
    finally:
        await db.dispose()

    done = status(tmp_path, url, "--json")
    assert done.returncode == 0, done.stderr
    facts = json.loads(done.stdout)
    assert facts["reachable"] is True and facts["schema"]
    assert (facts["replies_today"], facts["command_replies_today"]) == (2, 1)
    assert (facts["channels_opted_in"], facts["channels_opted_out"]) == (2, 1)
    assert (facts["triggers"], facts["debates_open"]) == (1, 2)
    assert "running_bot" not in facts  # HEALTH_PORT unset: nothing to ask

    text = status(tmp_path, url, HEALTH_PORT="1").stdout  # nothing listens on port 1
    assert "replies today 2 automatic, 1 to commands" in text
    assert "channels      2 opted in, 1 opted out" in text
    assert "triggers      1" in text and "debates open  2" in text
    assert "running bot   not answering at http://127.0.0.1:1/healthz" in text


def test_status_of_a_missing_database_says_so_and_creates_nothing(tmp_path):
    missing = tmp_path / "nowhere" / "bot.sqlite3"
    done = status(tmp_path, f"sqlite+aiosqlite:///{missing}")
    assert done.returncode == 3
    assert "unavailable" in done.stdout and f"no database file at {missing}" in done.stdout
    assert "Traceback" not in done.stderr
    assert not missing.parent.exists()
