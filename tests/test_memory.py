"""The process's allocator settings (charter_cli/memory.py)."""

from __future__ import annotations

import subprocess
import sys


def test_tuning_takes_on_glibc_and_is_harmless_twice() -> None:
    code = (
        "from charter_cli.memory import tune_allocator; "
        "import numpy as np; a = tune_allocator(); b = tune_allocator(); "
        "x = [np.ones(1 << 20) for _ in range(50)]; del x; "
        "print(a, b, np.ones(1 << 20).sum())"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    took, again, total = out.stdout.split()
    on_glibc = sys.platform.startswith("linux") and "glibc" in " ".join(
        __import__("platform").libc_ver()
    )
    assert took == str(on_glibc) and again == took and float(total) == 1 << 20
