"""Helpers for the reliability tests: sites, `digest` subprocesses, tree comparisons."""
from __future__ import annotations

import fcntl
import hashlib
import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "benchmarks"))

from corpus import generate  # noqa: E402

TIMEOUT = 240  # seconds any one digest process may take on a loaded machine
WAITING = "waiting for another digest process on this site (pid "


def make_site(root: Path, n: int, seed: int = 5) -> Path:
    """A generated digest of ``n`` entries (benchmarks/corpus.py), without the search index."""
    generate(root, n, seed=seed)
    return root


def digest_cmd(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "digest", *map(str, args)]


def env_with(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DIGEST_FAULT_KILL_AT", None)
    env.update(extra)
    return env


def run(*args: str | Path, env: dict[str, str] | None = None, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(digest_cmd(*args), capture_output=True, text=True, timeout=TIMEOUT,
                          env=env or env_with(), stdin=subprocess.DEVNULL)
    if check and done.returncode != 0:
        raise AssertionError(f"digest {' '.join(map(str, args))} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
    return done


def start(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    return subprocess.Popen(digest_cmd(*args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env or env_with(), stdin=subprocess.DEVNULL)


def tree(folder: Path) -> dict[str, str]:
    """Every file below ``folder``: relative path → sha256 of its bytes."""
    out = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() or path.is_symlink():
            out[path.relative_to(folder).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def clean_tree(root: Path, out: Path) -> dict[str, str]:
    """What a clean build of the site's content writes (``--no-cache``, another output folder)."""
    run("build", "--root", root, "--output", out, "--no-cache")
    return tree(out)


def assert_same_tree(got: dict[str, str], want: dict[str, str], label: str = "") -> None:
    missing = sorted(want.keys() - got.keys())
    extra = sorted(got.keys() - want.keys())
    differ = sorted(p for p in want.keys() & got.keys() if got[p] != want[p])
    assert not (missing or extra or differ), (
        f"{label}: the site is not what a clean build writes: missing {missing[:5]}, "
        f"extra {extra[:5]}, different {differ[:5]} ({len(missing)}/{len(extra)}/{len(differ)})"
    )


def set_title(path: Path, title: str, stamp: int) -> None:
    """Give an entry another title (and a distinct modification time: ``stamp`` seconds)."""
    lines = path.read_text("utf-8").split("\n")
    for i, line in enumerate(lines):
        if line.startswith("title:"):
            lines[i] = f'title: "{title}"'
            break
    path.write_text("\n".join(lines), "utf-8")
    os.utime(path, (stamp, stamp))


def entries(root: Path) -> list[Path]:
    return sorted((root / "content").rglob("*.md"))


def debris(root: Path) -> list[str]:
    """Leftovers of a killed build: temporary folders beside the output, in the cache, in the temp folder."""
    found = [p.name for p in root.iterdir() if p.name.startswith((".digest-staging-", ".digest-partials-", ".digest-old-"))]
    cache = root / ".digest-cache"
    if cache.is_dir():
        found += [f".digest-cache/{p.name}" for p in cache.iterdir() if p.name.startswith(".")]
    site = root / "site"
    if site.is_dir():
        found += [f"site/{p.name}" for p in site.iterdir() if p.name.startswith(".pagefind-")]
    return found


def descendants_alive(pids: list[int]) -> list[int]:
    alive = []
    for pid in pids:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            continue
        try:  # a zombie is dead for our purpose
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            alive.append(pid)
    return alive


@contextmanager
def holding_lock(root: Path):
    """Hold the site's lock from this process, as another digest process would."""
    cache = root / ".digest-cache"
    cache.mkdir(parents=True, exist_ok=True)
    fd = os.open(cache / "lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield os.getpid()
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def wait_for(check, what: str, timeout: float = TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError(f"waited {timeout} s for {what}")


class Running:
    """A digest process whose output lines are collected as they come."""

    def __init__(self, *args: str | Path, env: dict[str, str] | None = None) -> None:
        import threading

        self.proc = start(*args, env=env)
        self.out: list[str] = []
        self.err: list[str] = []
        self._threads = [threading.Thread(target=self._pump, args=(s, into), daemon=True)
                         for s, into in ((self.proc.stdout, self.out), (self.proc.stderr, self.err))]
        for thread in self._threads:
            thread.start()

    @staticmethod
    def _pump(stream, into: list[str]) -> None:
        for line in stream:
            into.append(line.rstrip("\n"))

    def wait_line(self, needle: str, stream: str = "any", after: int = 0) -> str:
        def found():
            lines = {"out": self.out, "err": self.err, "any": self.out + self.err}[stream]
            return next((line for line in lines[after:] if needle in line), None)

        wait_for(lambda: found() is not None or self.proc.poll() is not None, f"a line with {needle!r}")
        line = found()
        if line is None:
            raise AssertionError(f"exited {self.proc.returncode} without {needle!r}:\n" + "\n".join(self.out + self.err))
        return line

    def finish(self, timeout: float = TIMEOUT) -> int:
        code = self.proc.wait(timeout)
        for thread in self._threads:
            thread.join(5)
        return code
