"""Docs stay honest: every setting is documented and every path the README names exists."""

from __future__ import annotations

import re
from pathlib import Path

from directory.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()


def test_every_directory_setting_is_documented_in_the_readme():
    aliases = [field.alias for field in Settings.model_fields.values() if field.alias]
    missing = [alias for alias in aliases if f"`{alias}`" not in README]
    assert not missing, f"settings missing from README 'Settings': {missing}"


def test_every_path_in_the_readme_exists():
    paths = re.findall(r"^\| `([^`]+)`", README, flags=re.MULTILINE)
    paths = [p for p in paths if "/" in p or "." in p]
    paths += re.findall(r"\]\(((?:docs|bot|directory|web_widget)/[^)]+)\)", README)
    assert paths, "the README should name the project's files"
    missing = []
    for entry in paths:
        for part in entry.split(", "):
            part = part.strip("`")
            if not (ROOT / part).exists():
                missing.append(part)
    assert not missing, f"README names paths that do not exist: {missing}"


def test_readme_gives_the_two_commands_and_ci_runs_the_test_one():
    assert "make run" in README and "make test" in README
    assert "make test" in (ROOT / ".ci" / "run").read_text()
