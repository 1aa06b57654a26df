"""Admin polish (issue 11, step 6): manifest scopes and names, invite permissions, slash answers in a thread,
apostrophes on Slack and in the console, the console's own database, `ask` and `ingest` at the shell."""
from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import pytest_asyncio
import yaml

from adapters.console.app import ConsoleChat
from adapters.discord.invite import INVITE_PERMISSIONS, invite_url
from adapters.slack.commands import COMMAND_NAMES, parse
from bot.service.args import parse_args, split_words
from bot.settings import REPO_ROOT
from slack_standin.harness import SlackHarness, open_harness

MANIFEST = REPO_ROOT / "adapters" / "slack" / "manifest.yaml"
README = REPO_ROOT / "README.md"
COUNTERPOINT = str(Path(sys.executable).parent / "counterpoint")
QUOTE = "The debate surrounding open source AI often centers on safety."  # verbatim in source 002
APOSTROPHES = "Meta's plan isn't open"
# What each subscribed bot event needs; the other scopes are chat:write (post), commands (slash commands)
# and users:read (users.info: who is an admin or owner).
EVENT_SCOPES = {"message.channels": "channels:history", "message.groups": "groups:history",
                "message.im": "im:history", "message.mpim": "mpim:history", "reaction_added": "reactions:read",
                "app_mention": "app_mentions:read"}


# -- static: manifest, invite -------------------------------------------------------------------------------

def test_manifest_asks_only_for_the_scopes_its_events_and_calls_need():
    manifest = yaml.safe_load(MANIFEST.read_text())
    scopes = manifest["oauth_config"]["scopes"]["bot"]
    events = manifest["settings"]["event_subscriptions"]["bot_events"]
    assert sorted(scopes) == sorted({"chat:write", "commands", "users:read"} | {EVENT_SCOPES[e] for e in events})
    assert not {"im:history", "mpim:history", "app_mentions:read"} & set(scopes)


def test_manifest_commands_are_all_handled_and_none_is_a_bare_common_word():
    manifest = yaml.safe_load(MANIFEST.read_text())
    names = [c["command"] for c in manifest["features"]["slash_commands"]]
    assert "/counterpoint" in names and set(names) <= set(COMMAND_NAMES)
    assert all(n == "/counterpoint" or n.startswith("/cp-") for n in names)
    assert parse("/cp-argue", "open weights") == ("argue", ("open", "weights"))
    assert parse("/cp-counter", "closed is safer") == ("counter", ("closed", "is", "safer"))


def test_discord_invite_asks_only_for_the_permissions_the_code_uses():
    perms = INVITE_PERMISSIONS
    assert perms.view_channel and perms.send_messages and perms.embed_links
    assert perms.create_public_threads and perms.send_messages_in_threads
    adapter_code = "\n".join(p.read_text() for p in (REPO_ROOT / "adapters" / "discord").glob("*.py"))
    assert not perms.add_reactions and not re.search(r"\.add_reaction\(", adapter_code)  # it never reacts
    # Read Message History only because the code fetches old messages (a thread's starter)
    assert perms.read_message_history == bool(re.search(r"\.fetch_message\(|\.history\(", adapter_code))
    readme = README.read_text()
    [value] = set(re.findall(r"discord\.com/oauth2/authorize\?client_id=APPLICATION_ID&scope=bot\+applications\."
                             r"commands&permissions=(\d+)", readme))
    assert int(value) == perms.value
    assert invite_url(42).endswith(f"client_id=42&scope=bot+applications.commands&permissions={perms.value}")
    assert "Public Bot" in readme and "10,000" in readme


# -- apostrophes ------------------------------------------------------------------------------------------

def test_apostrophes_are_letters_and_quotes_still_group_words():
    assert split_words("claim=Meta's plan isn't open stance=open") == [
        "claim=Meta's", "plan", "isn't", "open", "stance=open"]
    assert split_words("""quote="it's here" topic='safety risk' 'open weights' "unclosed""") == [
        "quote=it's here", "topic=safety risk", "open weights", '"unclosed']
    parsed = parse_args(["claim=Meta's", "plan", "isn't", "open", "stance=open"], known={"claim", "stance"},
                        free_text={"claim"})
    assert parsed.options == {"claim": APOSTROPHES, "stance": "open"}
    # the Slack adapter passes the words as typed: the service splits them once
    assert parse("/counterpoint", 'trigger add "open weights" topic="safety risk"') == (
        "trigger", ("add", '"open', 'weights"', 'topic="safety', 'risk"'))


@pytest.fixture(scope="module")
def module_data_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("polish")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def h(module_data_dir) -> SlackHarness:
    async with open_harness(module_data_dir) as harness:
        yield harness


ARGUMENT_ADD = f'argument add claim={APOSTROPHES} to anyone stance=closed topic=openness quote="{QUOTE}" source=002'


@pytest.mark.asyncio(loop_scope="module")
async def test_apostrophes_survive_a_slack_slash_command(h):
    result = await h.send_command(ARGUMENT_ADD + " id=apostrophe-slack", user="U0ADMIN", channel=h.new_channel())
    answer = await h.standin.wait_for("response_url", lambda c: c.params["key"] == result.response_key)
    assert "Argument added" in answer.params["text"]
    assert h.service.matcher.argmap.get("apostrophe-slack").claim == f"{APOSTROPHES} to anyone"
    trigger = await h.send_command("trigger add \"it's open weights\" kind=phrase", user="U0ADMIN",
                                   channel=h.new_channel())
    added = await h.standin.wait_for("response_url", lambda c: c.params["key"] == trigger.response_key)
    assert "it's open weights" in added.params["text"]


@pytest.mark.asyncio(loop_scope="module")
async def test_apostrophes_survive_in_the_console_and_as_explains_who_moderates(h):
    out = io.StringIO()
    chat = ConsoleChat(h.service, out)
    await chat.handle_line("/" + ARGUMENT_ADD + " id=apostrophe-console")
    assert h.service.matcher.argmap.get("apostrophe-console").claim == f"{APOSTROPHES} to anyone"
    await chat.handle_line("/as bob")
    said = out.getvalue().splitlines()[-1]
    assert said.startswith("(you are now bob;") and "every participant is a moderator" in said
    assert "Manage Threads" in said and "SLACK_MODERATOR_IDS" in said


# -- Slack: slash answers in a thread ---------------------------------------------------------------------

@pytest.mark.asyncio(loop_scope="module")
async def test_a_slash_command_answer_is_a_short_line_with_the_cards_in_its_thread(h):
    channel = h.new_channel()
    result = await h.send_command("argue open weights make AI less safe", channel=channel)
    lead = await h.standin.wait_for("chat.postMessage", lambda c: c.params.get("channel") == channel)
    assert not lead.params.get("thread_ts")
    assert len(lead.params["blocks"]) <= 2 and "open weights make AI less safe" in lead.params["text"]
    lead_ts = lead.response["ts"]
    await h.outcome(result)
    cards = [c for c in h.standin.calls_to("chat.postMessage") if c.params.get("channel") == channel][1:]
    assert cards and all(c.params.get("thread_ts") == lead_ts for c in cards)
    assert any(b["type"] == "section" and b["text"]["text"].startswith("> ") for c in cards
               for b in c.params["blocks"])


# -- the console's own database; ask and ingest at the shell ----------------------------------------------

def _env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "DATA_DIR", "LOG_"))}
    return {**env, "DATA_DIR": str(data_dir), **extra}


def test_console_keeps_its_own_database_unless_told_otherwise(module_data_dir, tmp_path):
    deployed = tmp_path / "deployed.sqlite3"
    env = _env(module_data_dir, DATABASE_URL=f"sqlite+aiosqlite:///{deployed}")
    done = subprocess.run([COUNTERPOINT, "console"], input="/autoreply off\n/quit\n", env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert not deployed.exists()  # the deployed bot's database was never opened
    assert (module_data_dir / "console.sqlite3").is_file() and "console.sqlite3" in done.stdout
    elsewhere = tmp_path / "mine.sqlite3"
    done = subprocess.run([COUNTERPOINT, "console", "--db", str(elsewhere)], input="/quit\n", env=env,
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert elsewhere.is_file() and not deployed.exists()


def test_ask_into_a_closed_pipe_exits_quietly(module_data_dir, tmp_path):
    read_end, write_end = os.pipe()
    os.close(read_end)  # like `| head` that has already gone
    try:
        done = subprocess.run([COUNTERPOINT, "ask", "open weights let terrorists build bioweapons"],
                              stdout=write_end, stderr=subprocess.PIPE, env=_env(module_data_dir), cwd=tmp_path,
                              text=True, timeout=120)
    finally:
        os.close(write_end)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""


def test_ask_with_nothing_to_answer_says_what_it_wants(tmp_path):
    done = subprocess.run([COUNTERPOINT, "ask", ""], env=_env(tmp_path), cwd=tmp_path, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 2
    assert "give the claim to answer" in done.stderr and 'counterpoint ask "' in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_ingest_shows_no_progress_bar_when_stderr_is_not_a_terminal(tmp_path):
    env = _env(tmp_path, DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'ingest.sqlite3'}")
    done = subprocess.run([COUNTERPOINT, "ingest"], env=env, cwd=tmp_path, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert "\r" not in done.stderr and "item/s" not in done.stderr and "ingest:" not in done.stderr
