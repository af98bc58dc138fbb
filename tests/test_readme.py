"""The README stays true: every command and option it shows exists."""

import re
import shlex

import pytest

from conftest import ROOT
from search.cli import cli
from web import DEFAULTS

README = (ROOT / "README.md").read_text("utf-8")
COMMAND_LINES = [
    line.split("#", 1)[0].strip()
    for block in re.findall(r"```sh\n(.*?)```", README, re.S)
    for line in block.splitlines()
    if line.strip().startswith("fouille ")
]


def test_readme_shows_every_command():
    shown = {shlex.split(line)[1] for line in COMMAND_LINES}
    assert shown == set(cli.commands)


@pytest.mark.parametrize("line", COMMAND_LINES)
def test_readme_command_and_options_exist(line):
    words = shlex.split(line)
    command = cli.commands[words[1]]
    known = {opt for param in command.params for opt in param.opts}
    used = {word.split("=", 1)[0] for word in words[2:] if word.startswith("--")}
    assert used <= known, f"unknown options {used - known} in: {line}"


def test_readme_names_the_two_commands_and_make_has_them():
    makefile = (ROOT / "Makefile").read_text("utf-8")
    for target in ("run", "test"):
        assert f"make {target}" in README
        assert re.search(rf"^{target}:", makefile, re.M)


@pytest.mark.parametrize("target", ["clean", "distclean"])
def test_readme_says_what_each_cleaning_target_deletes(target):
    makefile = (ROOT / "Makefile").read_text("utf-8")
    assert f"`make {target}` " in README
    assert re.search(rf"^{target}:", makefile, re.M)


@pytest.mark.parametrize("name", sorted(DEFAULTS))
def test_readme_documents_every_setting(name):
    assert f"`FOUILLE_{name}`" in README
