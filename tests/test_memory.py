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


def test_memory_made_ready_is_kept_for_the_arrays_that_follow() -> None:
    """`make_ready` faults in a block of the heap on a thread of its own and frees it: with
    glibc, the process holds it afterwards (the arrays to come are cut from it); inputs too
    small for it to pay, nothing."""
    code = (
        "from charter_cli.memory import make_ready, resident, tune_allocator; "
        "tune_allocator(); before = resident(); "
        "print(make_ready(10 << 20) is None); "
        "t = make_ready(100 << 20); t is None or t.join(); "
        "import numpy as np; x = np.ones(20 << 20); "  # 160 MB of arrays after it
        "print(t is not None, (resident() - before) >> 20)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    small, made, grown = out.stdout.split()
    assert small == "True"
    on_glibc = sys.platform.startswith("linux") and "glibc" in " ".join(
        __import__("platform").libc_ver()
    )
    assert made == str(on_glibc)
    if on_glibc:  # 200 MB made ready and kept: the 160 MB of arrays fit in it
        assert 190 <= int(grown) < 340
