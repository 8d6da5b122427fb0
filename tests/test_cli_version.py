"""``detente --version``: the installed package's version, from its metadata."""

from __future__ import annotations

from importlib.metadata import version

from typer.testing import CliRunner

from detente.cli import app


def test_version_prints_the_package_version_and_exits_0() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"detente {version('detente')}\n"


def test_version_comes_before_any_command() -> None:
    result = CliRunner().invoke(app, ["--version", "ingest"])  # eager: no command runs, none is needed
    assert result.exit_code == 0 and result.stdout.startswith("detente ")


def test_version_is_in_the_help() -> None:
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0 and "--version" in result.stdout
