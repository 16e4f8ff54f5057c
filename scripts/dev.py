#!/usr/bin/env python3
"""One command to set up and run SEND Scorecard, or to set up and run its tests.

    python3 scripts/dev.py run     # create .venv, install, load the embedded seed, start the dashboard
    python3 scripts/dev.py test    # create .venv, install with test extras, run every test tier

Works on Linux, macOS and Windows with Python 3.11 or newer; needs nothing but pip.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def ensure_venv(extras: str = "") -> Path:
    if sys.version_info < (3, 11):
        sys.exit(f"SEND Scorecard needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    if not venv_python().exists():
        print(f"Creating {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    python = str(venv_python())
    spec = f".[{extras}]" if extras else "."
    print(f"Installing SEND Scorecard ({spec}) ...", flush=True)
    subprocess.run([python, "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True, cwd=ROOT)
    subprocess.run([python, "-m", "pip", "install", "--quiet", "-e", spec], check=True, cwd=ROOT)
    return Path(python)


def run(args: list[str]) -> int:
    python = ensure_venv()
    subprocess.run([str(python), "-m", "scorecard.cli", "init"], check=True, cwd=ROOT)
    return subprocess.call([str(python), "-m", "streamlit", "run", "app.py", *args], cwd=ROOT)


def test(args: list[str]) -> int:
    python = ensure_venv("test")
    return subprocess.call([str(python), "-m", "pytest", *args], cwd=ROOT)


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in ("run", "test"):
        print(__doc__)
        return 2
    command, rest = sys.argv[1], sys.argv[2:]
    return run(rest) if command == "run" else test(rest)


if __name__ == "__main__":
    sys.exit(main())
