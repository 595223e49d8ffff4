"""Measuring one build for ``bench.py``: wall and CPU time, peak memory, files
written, and the machine the figures were taken on."""
from __future__ import annotations

import os
import platform
import re
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024


def _tree_rss_kib(pid: int) -> int:
    """Resident memory of a process and all its descendants, summed.

    Read from ``statm``, which costs microseconds (``smaps_rollup`` would be
    exact for pages shared after a fork, but takes tens of milliseconds per GiB
    and would slow the builds it watches). An upper bound for forked workers.
    """
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/statm") as fh:
                total += int(fh.read().split()[1]) * PAGE_KIB
            for tid in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{tid}/children") as fh:
                    todo.extend(int(c) for c in fh.read().split())
        except (OSError, IndexError, ValueError):
            pass
    return total


def measure(cmd: list[str], cwd: Path, log: Path) -> dict:
    """Run ``cmd``; its wall and CPU time, peak memory, from ``wait4`` and /proc sampling."""
    os.sync()
    with open(log, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        peak = [0]
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.1):
                peak[0] = max(peak[0], _tree_rss_kib(proc.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"failed ({proc.returncode}): {' '.join(map(str, cmd))}\n{log.read_text(errors='replace')[-3000:]}")
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "rss_mib": usage.ru_maxrss / 1024,  # the largest single process, KiB on Linux
        "tree_mib": peak[0] / 1024,  # all processes together, sampled every 0.1 s
    }


def count_files(folder: Path) -> tuple[int, int]:
    files = html = 0
    for _, _, names in os.walk(folder):
        files += len(names)
        html += sum(name.endswith(".html") for name in names)
    return files, html


_STEP = re.compile(r"([a-z][a-z ]*) (\d+\.\d+) s \((\d+\.\d+) CPU-s\)")


def steps(log: Path, run: dict) -> dict[str, list[float]]:
    """Wall and CPU seconds of each step, from the last line of ``digest -v build``;
    "start and exit": the rest of the run (Python, imports, exit)."""
    line = next(line for line in reversed(log.read_text().splitlines()) if "CPU-s)" in line)
    total = float(re.search(r" in (\d+\.\d+) s: ", line).group(1))
    found = {step.strip(): [float(w), float(c)] for step, w, c in _STEP.findall(line.split(" s: ", 1)[1])}
    rest = [run["wall"] - total, run["cpu"] - sum(cpu for _, cpu in found.values())]
    return {"start and exit": rest, **found}


def _first_line(cmd: list[str]) -> str:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=False).stdout.strip().splitlines()[0]
    except (OSError, IndexError):
        return "not installed"


def machine(hugo: str | None, work: Path) -> dict:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = re.search(r"^model name\s*:\s*(.*)$", cpuinfo, re.M)
    mem = re.search(r"^MemTotal:\s*(\d+)", Path("/proc/meminfo").read_text(), re.M)
    mounts = [line.split() for line in Path("/proc/mounts").read_text().splitlines()]
    mount = max((m for m in mounts if str(work.resolve()).startswith(m[1])), key=lambda m: len(m[1]))
    commit = _first_line(["git", "-C", str(REPO), "log", "-1", "--format=%h %cs"])
    return {
        "cpu": model.group(1) if model else platform.processor(),
        "cores": len(os.sched_getaffinity(0)),
        "ram_gib": round(int(mem.group(1)) / 2**20, 1) if mem else None,
        "os": f"{platform.system()} {platform.release()}",
        "filesystem": f"{mount[2]} ({mount[3]})",
        "python": platform.python_version(),
        "digest": f"{_first_line([sys.executable, '-m', 'digest', '--version'])} ({commit})",
        "hugo": _first_line([hugo, "version"]).split("-")[0] if hugo else "Hugo not installed",
        "pelican": _first_line([sys.executable, "-m", "pelican", "--version"]),
        "date": datetime.now().isoformat(timespec="minutes"),
        "load": " ".join(f"{x:.1f}" for x in os.getloadavg()),
    }
