"""Writing outputs under hostile conditions (issue 13): a full device, a read-only folder, a file-size
limit, a name at the 255-byte limit, a symbolic link loop, a link across file systems, a reader
that stops early, SIGTERM in the middle of a write. Each is exit 2 with one line naming the path
(or a quiet stop for the pipe), the previous output intact, no temporary file left behind."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import IO

import pytest
from typer.testing import CliRunner

from charter_cli.cli import app
from tests.conftest import ROOT

CHARTER = ROOT / "charters" / "examples" / "nordlys-nettbutikk.yaml"
EXPORT = ROOT / "charters" / "examples" / "nordlys-tickets-2026.csv"
ENV = {"NO_COLOR": "1", "COLUMNS": "100", "PATH": "/usr/bin:/bin"}
runner = CliRunner()


def charter(*args: str, stdout: IO[str] | None = None) -> subprocess.CompletedProcess[str]:
    """One command in a process of its own; stdout captured unless a stream is given."""
    return subprocess.run(
        [sys.executable, "-m", "charter_cli", *args],
        stdout=subprocess.PIPE if stdout is None else stdout,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
        env=ENV,
        cwd=ROOT,
    )


def one_error_line(stderr: str, *needles: str) -> None:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), stderr
    assert "Traceback" not in stderr and "internal error" not in stderr
    for needle in needles:
        assert needle in lines[0], stderr


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
def test_stdout_on_a_full_device() -> None:
    with open("/dev/full", "w") as full:  # noqa: PTH123
        done = charter("audit", str(CHARTER), str(EXPORT), "--format", "json", stdout=full)
    assert done.returncode == 2
    one_error_line(done.stderr, "cannot write to standard output", "No space left on device")
    with open("/dev/full", "w") as full:  # noqa: PTH123
        done = charter("validate", str(CHARTER), stdout=full)
    assert done.returncode == 2
    one_error_line(done.stderr, "standard output")


def test_an_output_that_is_a_pipe_is_written_in_place(tmp_path: Path) -> None:
    fifo = tmp_path / "report.json"
    os.mkfifo(fifo)
    with subprocess.Popen(
        [sys.executable, "-m", "charter_cli", "audit", str(CHARTER), str(EXPORT), "-qo", str(fifo)],
        env=ENV,
        cwd=ROOT,
    ) as proc:
        # renamed over, a device would be lost (as root, /dev/full once was); read without
        # blocking, so that a writer that never opens the pipe cannot hang the test
        reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
        data = b""
        try:
            while True:
                try:
                    chunk: bytes | None = os.read(reader, 65536)
                except BlockingIOError:  # the writer holds the pipe, nothing in it yet
                    chunk = None
                if chunk:
                    data += chunk
                elif proc.poll() is not None:
                    break
                else:
                    time.sleep(0.01)
        finally:
            os.close(reader)
        assert json.loads(data)["schema_version"] == 1
        assert proc.wait(timeout=60) == 1
    assert fifo.is_fifo() and leftovers(tmp_path) == []


def test_a_file_size_limit_keeps_the_previous_report(tmp_path: Path) -> None:
    out = tmp_path / "results.csv"
    out.write_text("the previous report\n")
    limit = (
        "import resource, sys; resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096)); "
        "from charter_cli.cli import main; sys.argv[0] = 'charter'; main()"
    )
    done = subprocess.run(
        [sys.executable, "-c", limit, "audit", str(CHARTER), str(EXPORT), "-q", "-o", str(out)],
        capture_output=True,
        text=True,
        check=False,
        env=ENV | {"PYTHONDONTWRITEBYTECODE": "1"},  # a .pyc cut short by the limit breaks imports
        cwd=ROOT,
    )
    assert done.returncode == 2
    one_error_line(done.stderr, str(out), "File too large")
    assert out.read_text() == "the previous report\n"
    assert leftovers(tmp_path) == []


def test_a_read_only_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refused)  # root ignores a folder's mode
    out = tmp_path / "report.json"
    result = runner.invoke(app, ["audit", str(CHARTER), str(EXPORT), "-q", "-o", str(out)])
    assert result.exit_code == 2, result.output
    one_error_line(result.stderr, f"cannot write {out}: Permission denied")
    result = runner.invoke(app, ["init", "--no-interactive", "-o", str(tmp_path / "c.yaml")])
    assert result.exit_code == 2, result.output
    one_error_line(result.stderr, "c.yaml: Permission denied")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_for_real(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        done = charter("init", "--no-interactive", "-o", str(folder / "charter.yaml"))
        assert done.returncode == 2
        one_error_line(done.stderr, "charter.yaml", "Permission denied")
    finally:
        folder.chmod(0o755)


def test_a_name_at_the_255_byte_limit(tmp_path: Path) -> None:
    out = tmp_path / ("r" * 250 + ".json")  # 255 bytes: the temporary name must be shorter
    done = charter("audit", str(CHARTER), str(EXPORT), "-q", "-o", str(out))
    assert done.returncode == 1, done.stderr
    assert json.loads(out.read_text())["schema_version"] == 1
    too_long = tmp_path / ("r" * 300 + ".json")
    done = charter("audit", str(CHARTER), str(EXPORT), "-q", "-o", str(too_long))
    assert done.returncode == 2
    one_error_line(done.stderr, "File name too long")
    assert leftovers(tmp_path) == []


def test_a_symbolic_link_loop(tmp_path: Path) -> None:
    (tmp_path / "a.json").symlink_to(tmp_path / "b.json")
    (tmp_path / "b.json").symlink_to(tmp_path / "a.json")
    done = charter("audit", str(CHARTER), str(EXPORT), "-q", "-o", str(tmp_path / "a.json"))
    assert done.returncode == 2
    one_error_line(done.stderr, "a.json", "symbolic links")
    done = charter("init", "--no-interactive", "-o", str(tmp_path / "a.json"))
    assert done.returncode == 2
    one_error_line(done.stderr, "a.json", "symbolic links")


@pytest.mark.skipif(not Path("/dev/shm").is_dir(), reason="no second file system")
def test_a_link_across_file_systems(tmp_path: Path) -> None:
    if Path("/dev/shm").stat().st_dev == tmp_path.stat().st_dev:
        pytest.skip("/dev/shm is on the same file system")
    target = tmp_path / "report.json"
    target.write_text("{}")
    with tempfile.TemporaryDirectory(dir="/dev/shm") as other:
        link = Path(other) / "report.json"
        link.symlink_to(target)
        done = charter("audit", str(CHARTER), str(EXPORT), "-q", "-o", str(link))
        assert done.returncode == 1, done.stderr
        assert link.is_symlink()  # written through the link, as `>` would
        assert json.loads(target.read_text())["schema_version"] == 1
        assert leftovers(Path(other)) == [] and leftovers(tmp_path) == []


def test_a_reader_that_stops_early() -> None:
    done = subprocess.run(
        f"{sys.executable} -m charter_cli audit {CHARTER} {EXPORT} --format csv | head -1",
        shell=True,
        capture_output=True,
        text=True,
        check=False,
        env=ENV,
        cwd=ROOT,
    )
    assert done.stdout.startswith("ticket_id,") and done.stdout.count("\n") == 1
    assert done.stderr == "", done.stderr


def test_sigterm_during_a_large_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    out = tmp_path / "big.csv"
    out.write_text("the previous report\n")
    slow = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from charter_cli.output import write_atomic\n"
        "def parts():\n"
        "    for _ in range(600):\n"
        "        time.sleep(0.01)\n"
        "        yield memoryview(b'x' * 65536)\n"
        "class Slow(list):\n"
        "    def __iter__(self):\n"
        "        return parts()\n"
        "print('writing', flush=True)\n"
        "write_atomic(Path(sys.argv[1]), Slow())\n"
    )
    with subprocess.Popen(
        [sys.executable, "-c", slow, str(out)], stdout=subprocess.PIPE, text=True, cwd=ROOT
    ) as proc:
        assert proc.stdout is not None and proc.stdout.readline() == "writing\n"
        deadline = time.monotonic() + 5
        while not leftovers(tmp_path) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert leftovers(tmp_path), "the write did not start"
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == -signal.SIGTERM
    assert leftovers(tmp_path) == []
    assert out.read_text() == "the previous report\n"


def test_the_profile_is_a_protected_input(tmp_path: Path) -> None:
    profile = tmp_path / "p.json"
    profile.write_text('{"profile": 1, "name": "mine", "columns": {"ticket_id": "ticket_id"}}')
    before = hashlib.sha256(profile.read_bytes()).hexdigest()
    result = runner.invoke(
        app, ["audit", str(CHARTER), str(EXPORT), "--profile", str(profile), "-o", str(profile)]
    )
    assert result.exit_code == 2, result.output
    one_error_line(result.stderr, "is one of the inputs")
    assert hashlib.sha256(profile.read_bytes()).hexdigest() == before


def test_a_closed_stdout() -> None:
    done = subprocess.run(
        f"{sys.executable} -m charter_cli validate {CHARTER} >&-",
        shell=True,
        capture_output=False,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
        env=ENV,
        cwd=ROOT,
    )
    assert done.returncode == 2
    one_error_line(done.stderr, "cannot write to standard output: it is closed")


@pytest.mark.skipif(not Path("/dev/stdout").exists(), reason="no /dev/stdout")
def test_render_to_dev_stdout_in_a_pipe() -> None:
    done = subprocess.run(
        f"{sys.executable} -m charter_cli render {CHARTER} -o /dev/stdout | head -1",
        shell=True,
        capture_output=True,
        text=True,
        check=False,
        env=ENV,
        cwd=ROOT,
    )
    assert done.stdout.startswith("# Nordlys"), done.stderr
    assert "error" not in done.stderr
