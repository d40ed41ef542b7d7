"""The wheel carries the templates and schemas, and the installed command works outside the repo."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from tests.conftest import ROOT


@pytest.mark.slow
@pytest.mark.skipif(
    not (ROOT / "charter_cli").is_dir(),
    reason="no source tree here: the installed package is tested",
)
def test_wheel_installs_and_validates_a_shipped_charter(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(dist),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    wheel = next(dist.glob("service_charter-*.whl"))
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    # the wheel alone, no dependencies: those come from this environment's site-packages
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--no-deps",
            "--no-index",
            "-q",
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    # a .pth line is added to sys.path, but .pth files inside it are not run: this
    # environment's editable install of charter does not leak into the new one
    Path(site, "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    shipped = Path(site) / "charter_cli" / "charters" / "templates" / "online-shop.yaml"
    assert shipped.is_file()
    assert (Path(site) / "charter_cli" / "schemas" / "service-charter.v1.schema.json").is_file()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    done = subprocess.run(
        [str(env_dir / "bin" / "charter"), "validate", str(shipped)],
        cwd=outside, capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 file checked: all valid" in done.stdout
    where = subprocess.run(
        [str(python), "-c", "import charter_cli; print(charter_cli.__file__)"],
        cwd=outside, capture_output=True, text=True, env=env, check=True,
    ).stdout  # fmt: skip
    assert where.startswith(site), where  # the installed copy, not the repository
    schema = subprocess.run(
        [str(env_dir / "bin" / "charter"), "schema"],
        cwd=outside,
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert '"$id"' in schema.stdout
