"""Durability: what the service stored survives a clean restart and a SIGKILL right after the command returned."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

from bot.service import CounterpointService
from service_helpers import WS, Clock, cmd, make_settings, rows

VERBATIM_004 = ("Community scrutiny can enhance the development process, leading to more robust and reliable AI "
                "systems while reducing the risks associated with closed-source alternatives.")


async def test_triggers_settings_and_arguments_survive_a_restart(tmp_path, corpus):
    settings = make_settings(tmp_path)
    service = await CounterpointService.start(settings, corpus=corpus, clock=Clock())
    for name, text in (("trigger", "add llama kind=word"), ("trigger", "add open weights scope=workspace"),
                       ("autoreply", "on 42"),
                       ("argument", f'add id=mod-scrutiny claim="Community scrutiny makes open AI more robust" '
                                    f'stance=open topic=security quote="{VERBATIM_004}" source=004'),
                       ("argument", "link misuse-bioweapons mod-scrutiny")):
        reply = await service.handle_command(cmd(name, text))
        assert not reply.is_error, reply.body
    await service.close()  # disposes the engine

    service = await CounterpointService.start(settings, corpus=corpus, clock=Clock())
    try:
        listing = await service.handle_command(cmd("trigger", "list"))
        assert "llama" in listing.body and "open weights" in listing.body
        status = await service.handle_command(cmd("autoreply", "status"))
        assert "on" in status.body and "42 s" in status.body
        argument = service.matcher.argmap.get("mod-scrutiny")
        assert argument is not None and argument.workspace_id == WS and argument.quotes[0].source_id == "004"
        assert "mod-scrutiny" in {a.id for a in service.matcher.argmap.countered_by("misuse-bioweapons")}
    finally:
        await service.close()


CHILD = textwrap.dedent("""
    import asyncio, sys, time
    from pathlib import Path
    from bot.messages import Command, CommandContext
    from bot.service import CounterpointService
    from bot.settings import Settings

    async def main():
        settings = Settings(_env_file=None, data_dir=Path(sys.argv[1]), database_url=sys.argv[2])
        service = await CounterpointService.start(settings)
        ctx = CommandContext(platform="test", workspace_id="W1", channel_id="C1", user_id="U1", user_name="mod",
                             is_moderator=True)
        reply = await service.handle_command(Command("trigger", ("add", "durableword", "kind=word"), ctx))
        assert not reply.is_error, reply.body
        reply = await service.handle_command(Command("autoreply", ("on", "17"), ctx))
        assert not reply.is_error, reply.body
        print("ACK", flush=True)
        time.sleep(120)  # killed here, engine never disposed

    asyncio.run(main())
""")


def test_write_survives_sigkill_after_ack(tmp_path):
    settings = make_settings(tmp_path)
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(settings.data_dir), settings.effective_database_url],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    try:
        line = child.stdout.readline()
        assert line.strip() == "ACK", child.stderr.read()
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        assert child.returncode == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        child.stdout.close()
        child.stderr.close()
    assert rows(settings, "SELECT kind, pattern FROM triggers") == [("word", "durableword")]
    assert rows(settings, "SELECT autoreply, cooldown_seconds FROM channel_settings") == [(1, 17)]
