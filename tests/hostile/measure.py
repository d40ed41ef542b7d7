"""Running one command in a process of its own and measuring its peak memory."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def peak(args: list[str]) -> tuple[int, int, str]:
    """Exit code, peak memory in MB and stderr of one command in a process of its own."""
    code = (
        "import resource, sys\n"
        "from charter_cli.cli import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit as exc:\n    status = exc.code\n"
        "peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024\n"
        # ru_maxrss keeps the parent's high-water mark across fork and exec (a test process of
        # 500 MB makes every child say 500 MB); Linux's VmHWM is this program's own
        "try:\n"
        "    with open('/proc/self/status') as lines:\n"
        "        hwm = [line.split()[1] for line in lines if line.startswith('VmHWM:')]\n"
        "    peak = int(hwm[0]) // 1024 if hwm else peak\n"
        "except OSError:\n"
        "    pass\n"
        "print(f'PEAK {status} {peak}', file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=False, cwd=ROOT
    )
    *said, last = done.stderr.strip().splitlines()
    _, status, megabytes = last.split()
    return int(status), int(megabytes), "\n".join(said)
