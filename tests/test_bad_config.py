"""Every bad configuration exits non-zero with exactly one clear line on stderr and no traceback, each run as
a real `counterpoint` process (console, ask, db upgrade, run slack against the Slack stand-in)."""
from __future__ import annotations

import asyncio
import os
import shutil
import socket
import sqlite3
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bot.exitcodes import ExitCode
from service_helpers import counterpoint_cli
from slack_standin import SlackStandIn

SLACK_SECRET = "bad-config-signing-secret"
# a stand-in for asyncpg that is "not installed": importing it fails the way a missing package does
NO_ASYNCPG = 'raise ModuleNotFoundError("No module named \'asyncpg\'", name="asyncpg")\n'


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens once the socket is closed


def migrated_db(data_dir: Path) -> Path:
    """A database at head in data_dir, made by a real `db upgrade`."""
    result = subprocess.run([*counterpoint_cli(), "db", "upgrade"], env={**base_env(data_dir)},
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return data_dir / "counterpoint.sqlite3"


def newer_schema(data_dir: Path) -> None:
    with sqlite3.connect(migrated_db(data_dir)) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0999'")


def corrupt_db(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    (data_dir / "counterpoint.sqlite3").write_bytes(b"this is not a database, just bytes\n" * 200)


def base_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLACK_", "DISCORD_", "DATABASE_URL", "AUTO_REPLY", "TRIGGER_", "PYTHONPATH"))}
    return {**env, "DATA_DIR": str(data_dir), "HOME": str(data_dir.parent)}


@dataclass
class Case:
    args: tuple[str, ...]
    env: dict[str, str] = field(default_factory=dict)  # "{tmp}" is replaced by the test's tmp_path
    setup: Callable[[Path], None] | None = None  # called with DATA_DIR
    code: ExitCode = ExitCode.CONFIG
    says: str = ""  # a word the one line must contain
    slack: bool = False  # point SLACK_* at a running stand-in

# the console keeps its own database (DATA_DIR/console.sqlite3 or --db), never DATABASE_URL: point it at ours
CONSOLE = ("console", "--db", "{data}/counterpoint.sqlite3")
ASK, UPGRADE = ("ask", "open", "weights", "are", "dangerous"), ("db", "upgrade")
SLACK = ("run", "slack", "--port", "0")
CASES = {
    "garbage DATABASE_URL": Case(ASK, {"DATABASE_URL": "::not a url::"}, says="DATABASE_URL"),
    "garbage DATABASE_URL with a password": Case(UPGRADE, {"DATABASE_URL": "postgres ql://bob:hunter2@db/x"},
                                                 says="DATABASE_URL"),
    "garbage --db URL (console)": Case(("console", "--db", "postgres ql://bob:hunter2@db/x"), says="not a database"),
    "sync sqlite:// URL": Case(ASK, {"DATABASE_URL": "sqlite:///{tmp}/sync.sqlite3"}, says="async"),
    "unknown driver": Case(UPGRADE, {"DATABASE_URL": "postgresql+nosuchdriver://u@127.0.0.1/x"},
                           says="driver"),
    "postgresql+asyncpg without asyncpg": Case(ASK, {"DATABASE_URL": "postgresql+asyncpg://u@127.0.0.1/x",
                                                     "PYTHONPATH": "{tmp}/no_asyncpg"}, says="asyncpg"),
    "PostgreSQL unreachable": Case(ASK, {"DATABASE_URL": "postgresql+asyncpg://u:pw@127.0.0.1:{port}/x"},
                                   code=ExitCode.DATABASE, says="connect"),
    "PostgreSQL unreachable (run slack)": Case(SLACK, {"DATABASE_URL": "postgresql+asyncpg://u@127.0.0.1:{port}/x"},
                                               code=ExitCode.DATABASE, says="connect", slack=True),
    "DATA_DIR is a file": Case(("console",), setup=lambda d: d.write_text("not a folder"), says="folder"),
    "DATA_DIR is a file (ask)": Case(ASK, setup=lambda d: d.write_text("not a folder"), says="folder"),
    "newer schema (console)": Case(CONSOLE, setup=newer_schema, code=ExitCode.DATABASE, says="newer"),
    "newer schema (ask)": Case(ASK, setup=newer_schema, code=ExitCode.DATABASE, says="newer"),
    "newer schema (db upgrade)": Case(UPGRADE, setup=newer_schema, code=ExitCode.DATABASE, says="newer"),
    "newer schema (run slack)": Case(SLACK, setup=newer_schema, code=ExitCode.DATABASE, says="newer", slack=True),
    "corrupt SQLite file": Case(CONSOLE, setup=corrupt_db, code=ExitCode.DATABASE, says="not a usable"),
    "corrupt SQLite file (ask)": Case(ASK, setup=corrupt_db, code=ExitCode.DATABASE, says="not a usable"),
    "AUTO_REPLY_DEFAULT=maybe": Case(CONSOLE, {"AUTO_REPLY_DEFAULT": "maybe"}, says="AUTO_REPLY_DEFAULT"),
    "a word where a number goes": Case(SLACK, {"AUTO_REPLY_COOLDOWN_SECONDS": "soon"},
                                       says="AUTO_REPLY_COOLDOWN_SECONDS"),
    "a word where a fraction goes": Case(ASK, {"TRIGGER_MIN_CONFIDENCE": "high"}, says="TRIGGER_MIN_CONFIDENCE"),
    "--port 70000": Case(("run", "slack", "--port", "70000"), says="port"),
}


async def run_case(case: Case, tmp_path: Path) -> tuple[int, str]:
    data_dir = tmp_path / "data"
    if case.setup:
        case.setup(data_dir)
    (tmp_path / "no_asyncpg" / "asyncpg").mkdir(parents=True)
    (tmp_path / "no_asyncpg" / "asyncpg" / "__init__.py").write_text(NO_ASYNCPG)
    env = base_env(data_dir)
    env.update({k: v.replace("{tmp}", str(tmp_path)).replace("{port}", str(closed_port()))
                for k, v in case.env.items()})
    standin = await SlackStandIn().start() if case.slack else None
    try:
        if standin:
            env.update(SLACK_BOT_TOKEN=standin.token, SLACK_SIGNING_SECRET=SLACK_SECRET,
                       SLACK_API_URL=standin.base_url)
        args = [arg.replace("{data}", str(data_dir)) for arg in case.args]
        proc = await asyncio.create_subprocess_exec(*counterpoint_cli(), *args, env=env, cwd=tmp_path,
                                                    stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                                    stderr=subprocess.PIPE)
        try:
            _, err = await asyncio.wait_for(proc.communicate(), timeout=120)
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
    finally:
        if standin:
            await standin.close()
    return proc.returncode, err.decode(errors="replace")


def assert_one_clear_line(code: int, stderr: str, expected: ExitCode, says: str) -> None:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert "Traceback" not in stderr, stderr
    assert len(lines) == 1, stderr
    assert code == expected != 0, (code, stderr)
    assert says.lower() in lines[0].lower(), lines[0]


@pytest.mark.parametrize("name", CASES)
async def test_bad_configuration_exits_non_zero_with_one_line(name, tmp_path):
    case = CASES[name]
    code, stderr = await run_case(case, tmp_path)
    assert_one_clear_line(code, stderr, case.code, case.says)
    assert "hunter2" not in stderr and ":pw@" not in stderr  # passwords stay hidden even in garbage URLs


def _read_only_prefix(folder: Path) -> tuple[list[str], Callable[[], None], str]:
    """A command prefix (and an undo) that makes `folder` read-only for the process, in a way that stops root:
    a read-only bind mount in a private mount namespace, else the immutable attribute; chmod for others."""
    undo: Callable[[], None] = lambda: None  # noqa: E731
    if os.geteuid() != 0:
        for path in folder.iterdir():
            path.chmod(0o444)
        folder.chmod(0o555)
        return [], lambda: folder.chmod(0o755), "chmod"
    mount = f'mount --bind "{folder}" "{folder}" && mount -o remount,ro,bind "{folder}" "{folder}"'
    if shutil.which("unshare"):
        probe = subprocess.run(["unshare", "-m", "sh", "-c", f'{mount} && ! touch "{folder}/probe" 2>/dev/null'],
                               capture_output=True)
        if probe.returncode == 0:
            return ["unshare", "-m", "sh", "-c", f'{mount} && exec "$@"', "sh"], undo, "read-only bind mount"
    database = folder / "counterpoint.sqlite3"
    if shutil.which("chattr") and subprocess.run(["chattr", "+i", str(database)], capture_output=True).returncode == 0:
        return [], lambda: subprocess.run(["chattr", "-i", str(database)], check=False), "immutable file"
    pytest.skip("running as root without mount namespaces or chattr: cannot make a folder read-only for root")


def test_read_only_data_dir_with_a_database_is_refused_at_start(tmp_path):
    data_dir = tmp_path / "data"
    migrated_db(data_dir)
    prefix, undo, how = _read_only_prefix(data_dir)
    try:
        database = str(data_dir / "counterpoint.sqlite3")
        result = subprocess.run([*prefix, *counterpoint_cli(), "console", "--db", database],
                                env=base_env(data_dir), cwd=tmp_path,
                                stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
    finally:
        undo()
    assert_one_clear_line(result.returncode, result.stderr, ExitCode.DATABASE, "read-only")
    assert "Counterpoint console" not in result.stdout, how  # it never started


@pytest.mark.parametrize("url", ["::not a url::", "postgres ql://bob:hunter2@db/x", "", "postgresql://bob:hunter2@",
                                 "\x00\xff", "sqlite+aiosqlite:///" + "x" * 5000])
def test_safe_url_never_raises_and_hides_passwords(url):
    from bot.db.engine import safe_url

    shown = safe_url(url)
    assert isinstance(shown, str) and "hunter2" not in shown
