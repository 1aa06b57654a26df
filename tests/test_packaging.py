"""Packaging hygiene: licence, build floor, `--version`, a constraints file that pins every dependency, and
general-English frequencies from wordfreq's published lists."""
from __future__ import annotations

import re
import subprocess
import sys
import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from bot.match.english import MIN_SPECIFICITY, EnglishFrequency
from bot.settings import REPO_ROOT

PYPROJECT = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_licence_file_and_a_setuptools_that_reads_the_licence_field() -> None:
    assert (REPO_ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    assert "MIT" in PYPROJECT["project"]["license"]
    floor = next(Requirement(r) for r in PYPROJECT["build-system"]["requires"] if r.startswith("setuptools"))
    assert floor.specifier.contains("77") and not floor.specifier.contains("76.9")


def test_version_flag_prints_the_package_version() -> None:
    result = subprocess.run([sys.executable, "-m", "bot.cli", "--version"], capture_output=True, text=True,
                            cwd=REPO_ROOT, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"counterpoint {PYPROJECT['project']['version']}"


def _pins() -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in (REPO_ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            req = Requirement(line)
            [spec] = list(req.specifier)
            assert spec.operator == "==", line
            pins[canonicalize_name(req.name)] = spec.version
    return pins


def test_constraints_pin_every_dependency_of_every_extra() -> None:
    project = PYPROJECT["project"]
    wanted = [Requirement(r) for r in project["dependencies"]]
    wanted += [Requirement(r) for extra in project["optional-dependencies"].values() for r in extra]
    pins = _pins()
    missing = sorted({canonicalize_name(r.name) for r in wanted} - pins.keys())
    assert not missing, (f"constraints.txt lacks {missing}; regenerate it with the command in its header "
                         "(uv pip compile pyproject.toml --all-extras --universal --python-version 3.11 "
                         "-o constraints.txt)")
    for req in wanted:  # each pin satisfies the range pyproject asks for
        assert req.specifier.contains(pins[canonicalize_name(req.name)], prereleases=True), (req, pins[req.name])
    header = (REPO_ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines()[:2]
    assert re.search(r"uv pip compile pyproject\.toml", " ".join(header))


def test_english_frequencies_come_from_wordfreq() -> None:
    english = EnglishFrequency.load()
    assert english.is_word("patch") and english.is_word("store") and not english.is_word("zuckerbrg")
    assert english.specificity("the") == MIN_SPECIFICITY and english.specificity("deal") < 0.5
    assert english.specificity("store") < 0.5 < english.specificity("bioweapon") == 1.0
    assert english.specificity("weights") > english.specificity("store")
    assert english.specificity("qwxzvbn") == 1.0  # a word the list does not know counts as distinctive
