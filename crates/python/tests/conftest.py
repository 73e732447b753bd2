"""Shared by the tests of the tlsdoctor Python package: the repository, and the
tlsdoctor command they compare the package with."""

import json
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]


def tlsdoctor_bin():
    """The command: $TLSDOCTOR_BIN, else built with cargo into its target directory."""
    if os.environ.get("TLSDOCTOR_BIN"):
        return os.environ["TLSDOCTOR_BIN"]
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    subprocess.run(["cargo", "build", "-q", "-p", "tlsdoctor", "--bin", "tlsdoctor"], cwd=REPO, check=True)
    return str(target / "debug" / "tlsdoctor")


@pytest.fixture(scope="session")
def cli():
    """Runs the command from the repository; returns (exit status, stdout, stderr)."""
    program = tlsdoctor_bin()
    env = {k: v for k, v in os.environ.items() if k != "SSLKEYLOGFILE"}

    def run(*args):
        done = subprocess.run([program, *args], cwd=REPO, env=env, capture_output=True, text=True)
        return done.returncode, done.stdout, done.stderr

    return run


@pytest.fixture(scope="session")
def cli_report(cli):
    """The command's JSON report of `diagnose --format json ARGS`."""

    def report(*args):
        status, out, err = cli("diagnose", "--format", "json", *args)
        assert status in (0, 1), err
        return json.loads(out)

    return report


@pytest.fixture(autouse=True)
def in_repository(monkeypatch):
    """Paths are given relative to the repository, as to the command: the reports name
    the inputs alike."""
    monkeypatch.chdir(REPO)
    monkeypatch.delenv("SSLKEYLOGFILE", raising=False)


def need(module):
    """`module`, or a visible skip when it is not installed; with
    TLSDOCTOR_REQUIRE_TOOLS=1 (CI) a missing module fails instead."""
    if os.environ.get("TLSDOCTOR_REQUIRE_TOOLS") == "1":
        import importlib

        return importlib.import_module(module)
    return pytest.importorskip(module, reason=f"{module} is not installed (pip install {module.split('.')[0]})")
