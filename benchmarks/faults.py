"""Kills, races and damaged caches on a generated digest: is the site still what a clean build writes?

    python benchmarks/faults.py                    # 10,000 entries (benchmarks/corpus.py)
    python benchmarks/faults.py --entries 2000 --runs 3 --seed 7
    python benchmarks/faults.py --quick            # 300 entries, one run of each: a smoke test

Every scenario runs the real ``digest`` commands in subprocesses, does
something bad to them, then compares the site, byte for byte, with a clean
``digest build --no-cache`` of the same content into another folder:

* a ``kill -9`` at each point of ``digest.faults.POINTS`` that the build
  passes (``DIGEST_FAULT_KILL_AT``), in a first (cold) build and in an
  incremental build after editing titles (1, and 3,000 or a third of the
  entries) and deleting the oldest entry; the edits are then taken back and
  the site built again (the case that used to leave the edited titles on the
  home page for ever);
* ``kill -9`` of one worker process while it renders;
* ``kill -9`` of the build at random moments (``--runs``, seeded), cold and incremental;
* two cold builds started together; a build beside a running ``digest serve``
  (the preview's next rebuild must match too); two ``digest ingest`` of one
  folder at once (the content must be what one ingest writes);
* a damaged cache: a body pack cut short, bytes of a pack overwritten, a pack
  deleted, invalid UTF-8 in a pack, the entry index cut short (the site is
  deleted first, so the build reads every body): the build must say so in one
  line.

The table gives, for each scenario: the runs, how many ended with the site
equal to the clean build, the leftovers after the recovering build (killed
builds' staging, partials and old folders, body scratch folders in the temp
folder, a journal, temporary cache files, packs and index segments the index
does not name; summed over the runs), and the time to recover: the wall time
of the build after the fault (the median of the runs; for the races, of the
pair; for the preview, of its rebuild).
"""
from __future__ import annotations

import argparse
import hashlib
import os
import platform
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))

from corpus import generate  # noqa: E402

from digest import cache as cachemod  # noqa: E402
from digest.errors import CacheError  # noqa: E402
from digest.faults import POINTS  # noqa: E402

TIMEOUT = 1800  # seconds any one digest process may take before it counts as hung
DAMAGED = "warning: the build cache is damaged ("


# -- running digest --------------------------------------------------------------


def _env(kill_at: str = "") -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DIGEST_FAULT_KILL_AT", None)
    if kill_at:
        env["DIGEST_FAULT_KILL_AT"] = kill_at
    return env


def _cmd(*args: object) -> list[str]:
    return [sys.executable, "-m", "digest", *map(str, args)]


@dataclass
class Run:
    code: int | None  # None: still running after TIMEOUT (hung), then killed
    seconds: float
    out: str
    err: str


def digest(*args: object, kill_at: str = "") -> Run:
    start = time.perf_counter()
    try:
        done = subprocess.run(_cmd(*args), capture_output=True, text=True, env=_env(kill_at),
                              stdin=subprocess.DEVNULL, timeout=TIMEOUT)
    except subprocess.TimeoutExpired as exc:
        return Run(None, time.perf_counter() - start, str(exc.stdout or ""), str(exc.stderr or ""))
    return Run(done.returncode, time.perf_counter() - start, done.stdout, done.stderr)


def start(*args: object) -> subprocess.Popen:
    return subprocess.Popen(_cmd(*args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=_env(), stdin=subprocess.DEVNULL)


def finish_all(procs: list[subprocess.Popen]) -> list[tuple[str, str]]:
    """The output of each process, read side by side: read one after the other, a process
    whose pipe fills (an ingest's table) would wait for ever on a reader that waits on
    the other process, which waits on its lock."""
    with ThreadPoolExecutor(len(procs)) as pool:
        return list(pool.map(lambda p: p.communicate(timeout=TIMEOUT), procs))


def processes_on(root: Path) -> list[int]:
    """Live processes whose command line names ``root`` (a killed build's workers, say)."""
    found = []
    for pid in os.listdir("/proc"):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, ValueError, IndexError):
            continue
        if str(root).encode() in cmdline and state != "Z":
            found.append(int(pid))
    return found


def wait_for(check, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return False


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


# -- sites -----------------------------------------------------------------------


def tree(folder: Path) -> dict[str, str]:
    """Every file below ``folder``: relative path → hash of its bytes."""
    out = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() or path.is_symlink():
            out[path.relative_to(folder).as_posix()] = hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
    return out


def tree_hash(folder: Path) -> str:
    """One hash of every path and its bytes ("" when there is no such folder)."""
    if not folder.is_dir():
        return ""
    return hashlib.blake2b(repr(sorted(tree(folder).items())).encode(), digest_size=16).hexdigest()


def leftovers(root: Path) -> list[str]:
    """What killed builds left: scratch folders beside the output and in the temp
    folder, a journal, temporary cache files, packs and segments the index does not name."""
    found = [p.name for p in root.iterdir() if p.name.startswith((".digest-staging-", ".digest-partials-", ".digest-old-"))]
    site_id = hashlib.blake2b(str((root / ".digest-cache").resolve()).encode(), digest_size=6).hexdigest()
    found += [p.name for p in Path(tempfile.gettempdir()).glob(f"digest-bodies-{site_id}-*")]
    site = root / "site"
    if site.is_dir():
        found += [f"site/{p.name}" for p in site.iterdir() if p.name.startswith(".pagefind-")]
    cache = root / ".digest-cache"
    if not cache.is_dir():
        return found
    found += [f".digest-cache/{p.name}" for p in cache.iterdir() if p.name.startswith(".") or p.name == cachemod.JOURNAL]
    named, packs = set(), set()
    try:
        index = cachemod._read_pickle(cache / cachemod.ENTRIES)
        if isinstance(index, tuple) and len(index) == 2:
            named = set(index[1])
            packs = {entry.body._ref[0] for _, entry in cachemod.load_entries(cache, index[0]).entries.values()}
    except CacheError:
        return [*found, ".digest-cache (damaged)"]
    found += [f".digest-cache/{p.name}" for p in cache.glob(f"{cachemod.SEGMENT_PREFIX}*.pickle") if p.name not in named]
    found += [f".digest-cache/{p.name}" for p in cache.glob("bodies-*.pack") if str(p) not in packs]
    return found


@dataclass
class State:
    """One state of the content: the files that differ from the generated one, and its clean site."""

    name: str
    files: dict[str, str | None]  # relative path → text (None: deleted)
    site: str = ""  # tree hash of a clean build


class Corpus:
    """The generated content, states of it, and their clean builds."""

    def __init__(self, work: Path, entries: int, seed: int) -> None:
        self.work = work
        self.source = generate(work / "source", entries, seed=seed)
        self.config = (self.source / "digest.toml").read_text("utf-8")
        self.entries = sorted(p.relative_to(self.source / "content").as_posix()
                              for p in (self.source / "content").rglob("*.md"))
        self.text = {rel: (self.source / "content" / rel).read_text("utf-8") for rel in self.entries}
        self.stamp = 2_000_000_000
        self.base = self._clean(State("base", {}))
        self._edited: dict[int, State] = {}

    def edited(self, count: int) -> State:
        """``count`` titles edited (the newest entry among them) and the oldest entry deleted."""
        if count not in self._edited:
            oldest = min(self.entries, key=self._date)
            step = max(1, len(self.entries) // count)
            chosen = [rel for rel in sorted(self.entries, key=self._date, reverse=True)[::step] if rel != oldest][:count]
            files: dict[str, str | None] = {rel: _retitled(self.text[rel], f"Edited title {i}") for i, rel in enumerate(chosen)}
            files[oldest] = None
            self._edited[count] = self._clean(State(f"{count} edited", files))
        return self._edited[count]

    def _date(self, rel: str) -> str:
        return re.search(r"^date: (\S+)", self.text[rel], re.M).group(1)

    def _clean(self, state: State) -> State:
        root = self.site(self.work / f"clean-{state.name.replace(' ', '-')}", state)
        done = digest("build", "--root", root, "--output", root / "clean", "--no-cache")
        if done.code != 0:
            raise SystemExit(f"the clean build failed:\n{done.err}")
        state.site = tree_hash(root / "clean")
        shutil.rmtree(root)
        return state

    def site(self, root: Path, state: State | None = None) -> Path:
        """A new site folder with the generated content (in ``state``)."""
        if root.exists():
            shutil.rmtree(root)
        root.mkdir(parents=True)
        (root / "digest.toml").write_text(self.config, "utf-8")
        shutil.copytree(self.source / "content", root / "content")
        if state is not None:
            self.put(root, state)
        return root

    def put(self, root: Path, state: State, back: bool = False) -> None:
        """Make the files ``state`` changes as it has them (``back``: as generated), each with a new time."""
        for rel, text in state.files.items():
            path = root / "content" / rel
            text = self.text[rel] if back else text
            if text is None:
                path.unlink(missing_ok=True)
                continue
            path.write_text(text, "utf-8")
            self.stamp += 1
            os.utime(path, (self.stamp, self.stamp))


def _retitled(text: str, title: str) -> str:
    return re.sub(r"^title: .*$", f'title: "{title}"', text, count=1, flags=re.M)


# -- scenarios -------------------------------------------------------------------


@dataclass
class Row:
    scenario: str
    runs: int = 0
    equal: int = 0
    leftovers: int = 0
    seconds: list[float] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, equal: bool, left: list[str], seconds: float, note: str = "") -> None:
        self.runs += 1
        self.equal += bool(equal)
        self.leftovers += len(left)
        self.seconds.append(seconds)
        if left:
            note = (note + "; " if note else "") + "left " + ", ".join(sorted(left)[:3])
        if note and note not in self.notes:
            self.notes.append(note)
        print(f"  {self.scenario}: {'equal' if equal else 'DIFFERENT'}, {len(left)} left, {seconds:.1f} s"
              + (f" ({note})" if note else ""), file=sys.stderr, flush=True)


class Bench:
    def __init__(self, corpus: Corpus, runs: int, seed: int, edits: list[int]) -> None:
        self.corpus = corpus
        self.runs = runs
        self.rng = random.Random(seed)
        self.edits = edits
        self.rows: list[Row] = []
        self.warm: Path | None = None
        self.times: dict[str, float] = {}  # an undisturbed build of each kind: where the random kills fall

    def row(self, name: str) -> Row:
        self.rows.append(Row(name))
        return self.rows[-1]

    def warm_site(self) -> Path:
        """A built site with its cache, at the generated content; builds of each kind timed once."""
        if self.warm is None:
            corpus = self.corpus
            self.warm = corpus.site(corpus.work / "warm")
            self.times["cold"] = _ok(digest("build", "--root", self.warm)).seconds
            for count in self.edits:
                corpus.put(self.warm, corpus.edited(count))
                self.times[f"{count} edited"] = _ok(digest("build", "--root", self.warm)).seconds
                corpus.put(self.warm, corpus.edited(count), back=True)
                _ok(digest("build", "--root", self.warm))
        return self.warm

    def _recover(self, row: Row, root: Path, want: State, note: str = "") -> None:
        """The next build: the site it leaves, what is left over, how long it took."""
        wait_for(lambda: not processes_on(root), 30)
        done = digest("build", "--root", root)
        if done.code != 0:
            note = f"the next build exited {done.code}: {_last(done.err)}"
        row.add(done.code == 0 and tree_hash(root / "site") == want.site, leftovers(root), done.seconds, note)

    # A kill at a named point ------------------------------------------------------

    def kill_cold(self, point: str) -> None:
        row = self.row(f"kill at `{point}`, first build")
        root = self.corpus.site(self.corpus.work / "cold")
        done = digest("build", "--root", root, kill_at=point)
        if done.code == 0:
            self.rows.remove(row)  # this build does not pass that point
            return
        self._recover(row, root, self.corpus.base, _killed(done))

    def kill_incremental(self, point: str, count: int) -> None:
        """Edits, a build killed at ``point``, the edits taken back, the next build."""
        row = self.row(f"kill at `{point}`, {count:,} edited")
        root, state = self.warm_site(), self.corpus.edited(count)
        self.corpus.put(root, state)
        done = digest("build", "--root", root, kill_at=point)
        self.corpus.put(root, state, back=True)
        if done.code == 0:
            self.rows.remove(row)
            _ok(digest("build", "--root", root))
            return
        self._recover(row, root, self.corpus.base, _killed(done))

    # kill -9 from outside -----------------------------------------------------------

    def kill_random(self, count: int) -> None:
        """The build killed at a random moment of its run (``count``: titles edited; 0: a first build)."""
        kind = f"{count} edited" if count else "cold"
        row = self.row(f"`kill -9` at a random moment, {f'{count:,} edited' if count else 'first build'}")
        warm = self.warm_site()
        for _ in range(self.runs):
            delay = self.rng.uniform(0.05, 0.95) * self.times[kind]
            if count:
                root, state = warm, self.corpus.edited(count)
                self.corpus.put(root, state)
            else:
                root, state = self.corpus.site(self.corpus.work / "cold"), None
            proc = start("build", "--root", root)
            finished = _wait(proc, delay)
            if not finished:
                proc.kill()
            proc.communicate()
            if state is not None:
                self.corpus.put(root, state, back=True)
            self._recover(row, root, self.corpus.base,
                          f"killed after {delay:.1f} s" if not finished else "the build ended before the kill")

    def kill_worker(self) -> None:
        """One worker process of a first build killed while the workers render."""
        row = self.row("`kill -9` of one worker, first build")
        root = self.corpus.site(self.corpus.work / "cold")
        proc = start("build", "--root", root)
        staged = lambda: any(p.name.startswith(".digest-staging-") and any(p.iterdir()) for p in root.iterdir())  # noqa: E731
        victim = None
        if wait_for(lambda: staged() and children(proc.pid), TIMEOUT):
            victim = children(proc.pid)[0]
            os.kill(victim, signal.SIGKILL)
        try:
            out, err = proc.communicate(timeout=TIMEOUT)
            note = f"the build exited {proc.returncode}: {_last(err)}"
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            note = f"the build hung for {TIMEOUT} s"
        if victim is None:
            note = "no worker to kill"
        self._recover(row, root, self.corpus.base, note)

    # Two processes on one site ------------------------------------------------------

    def two_builds(self) -> None:
        row = self.row("two first builds at once")
        root = self.corpus.site(self.corpus.work / "race")
        began = time.perf_counter()
        procs = [start("build", "--root", root), start("build", "--root", root)]
        outs = finish_all(procs)
        seconds = time.perf_counter() - began
        codes = [p.returncode for p in procs]
        waited = any("waiting for another digest process" in err for _, err in outs)
        note = f"exit {codes[0]} and {codes[1]}" + ("" if waited else ", neither waited")
        row.add(codes == [0, 0] and tree_hash(root / "site") == self.corpus.base.site, leftovers(root),
                seconds, note)

    def build_beside_serve(self) -> None:
        """A ``digest build`` while ``digest serve`` runs; then an edit the preview rebuilds."""
        row = self.row("build beside a running `serve`, then its rebuild")
        corpus = self.corpus
        state = corpus.edited(1)
        root = corpus.site(corpus.work / "serve")
        server = _Server(root)
        try:
            server.line(" at http://")
            build = digest("build", "--root", root)
            mark = len(server.out)
            corpus.put(root, state)  # the preview sees the edits and rebuilds
            rebuilt = server.line("changed: built", after=mark)
            seconds = float(re.search(r" in ([\d.]+) s", rebuilt).group(1))
            equal = build.code == 0 and tree_hash(root / "site") == state.site
            note = f"the build exited {build.code}" if build.code else ""
        except RuntimeError as exc:
            equal, seconds, note = False, 0.0, str(exc)
        finally:
            server.stop()
        if server.errors():
            equal, note = False, server.errors()[0]
        row.add(equal, leftovers(root), seconds, note)

    def two_ingests(self, articles: int) -> None:
        """Two ``digest ingest`` of one folder at once: the content is what one ingest writes."""
        row = self.row(f"two `ingest` of one folder ({articles:,} pages) at once")
        scraped = self.corpus.work / "scraped"
        if not scraped.exists():
            _scraped_pages(scraped, articles)
        alone = self._ingest_root("ingest-alone")
        _ok(digest("ingest", scraped, "--root", alone))
        want = tree_hash(alone / "content")
        root = self._ingest_root("ingest-race")
        began = time.perf_counter()
        procs = [start("ingest", scraped, "--root", root), start("ingest", scraped, "--root", root)]
        outs = finish_all(procs)
        seconds = time.perf_counter() - began
        written = len(list((root / "content").rglob("*.md")))
        equal = [p.returncode for p in procs] == [0, 0] and tree_hash(root / "content") == want
        row.add(equal, leftovers(root), seconds,
                f"{written:,} entries written" + ("" if equal else f": {_last(outs[0][1] + outs[1][1])}"))

    def _ingest_root(self, name: str) -> Path:
        root = self.corpus.work / name
        shutil.rmtree(root, ignore_errors=True)
        (root / "content").mkdir(parents=True)
        (root / "digest.toml").write_text('title = "T"\nsearch = false\n', "utf-8")
        return root

    # A damaged cache ----------------------------------------------------------------

    def damaged(self, name: str, damage) -> None:
        row = self.row(f"damaged cache: {name}")
        root = self.corpus.work / "damaged"
        if not root.exists():
            self.corpus.site(root)
        _ok(digest("build", "--root", root))  # a whole cache (the last scenario's build left one)
        damage(root / ".digest-cache")
        shutil.rmtree(root / "site")  # so the build reads every body
        done = digest("build", "--root", root)
        lines = [line for line in done.err.splitlines() if line.strip()]
        said = len(lines) == 1 and lines[0].startswith(DAMAGED)
        equal = done.code == 0 and said and tree_hash(root / "site") == self.corpus.base.site
        note = "" if said else f"said {len(lines)} lines: {_last(done.err)}"
        row.add(equal, leftovers(root), done.seconds, note)


def _largest(cache: Path, pattern: str) -> Path:
    return max(cache.glob(pattern), key=lambda p: p.stat().st_size)


def _overwrite(path: Path, at: float, data: bytes) -> None:
    with open(path, "r+b") as fh:
        fh.seek(int(path.stat().st_size * at))
        fh.write(data)


def _cut(path: Path, keep: float) -> None:
    os.truncate(path, int(path.stat().st_size * keep))


DAMAGE = {
    "pack cut short": lambda c: _cut(_largest(c, "bodies-*.pack"), 0.5),
    "pack bytes overwritten": lambda c: _overwrite(_largest(c, "bodies-*.pack"), 0.4, b"<script>alert(1)</script>"),
    "pack deleted": lambda c: _largest(c, "bodies-*.pack").unlink(),
    "invalid UTF-8 in a pack": lambda c: _overwrite(_largest(c, "bodies-*.pack"), 0.6, b"\xff\xfe\xc3"),
    "index cut short": lambda c: _cut(c / cachemod.ENTRIES, 0.7),
}


class _Server:
    """A running ``digest serve`` whose output lines are collected as they come."""

    def __init__(self, root: Path) -> None:
        self.proc = start("serve", "--root", root, "--port", "0")
        self.out: list[str] = []
        self.err: list[str] = []
        for stream, into in ((self.proc.stdout, self.out), (self.proc.stderr, self.err)):
            threading.Thread(target=lambda s=stream, i=into: i.extend(line.rstrip("\n") for line in s), daemon=True).start()

    def line(self, needle: str, after: int = 0) -> str:
        def found():
            return next((line for line in self.out[after:] if needle in line), None)

        if not wait_for(lambda: found() is not None or self.proc.poll() is not None or self.errors(), TIMEOUT):
            raise RuntimeError(f"no line with {needle!r} from the preview in {TIMEOUT} s")
        if found() is None:
            raise RuntimeError(f"the preview said: {(self.errors() or [_last(chr(10).join(self.err))])[0]}")
        return found()

    def errors(self) -> list[str]:
        return [line for line in self.err if line.lower().startswith("error") or "Traceback" in line]

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def _scraped_pages(folder: Path, n: int) -> None:
    """Plain-text dumps of invented reports, as a scraper saves them."""
    folder.mkdir(parents=True)
    places = ["Astana", "Almaty", "Shymkent", "Karaganda", "Aktobe", "Pavlodar"]
    for i in range(n):
        place = places[i % len(places)]
        text = (
            f"Kazinform\n\nDistrict {i * 7} of {place} reports its count\n\n"
            f"{1 + i % 27} March 2028, 1{i % 10}:{10 + i % 50}\n\n"
            f"ASTANA. KAZINFORM The district election commission number {i * 7} in {place} finished "
            f"counting the ballots of {1000 + i * 13} voters on Sunday evening, its chairman said.\n\n"
            f"Turnout in the district reached {40 + i % 50}.{i % 10} percent, the commission said, and "
            f"observers from {2 + i % 9} organisations watched the count until the protocol was signed.\n"
        )
        (folder / f"page-{i:05d}.txt").write_text(text, "utf-8")


def _wait(proc: subprocess.Popen, seconds: float) -> bool:
    try:
        proc.wait(seconds)
        return True
    except subprocess.TimeoutExpired:
        return False


def _ok(done: Run) -> Run:
    if done.code != 0:
        raise SystemExit(f"a build that should work exited {done.code}:\n{done.err}")
    return done


def _killed(done: Run) -> str:
    return "" if done.code == -signal.SIGKILL else f"exited {done.code}, not killed: {_last(done.err)}"


def _last(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1][:160] if lines else ""


# -- the table --------------------------------------------------------------------

COLD_POINTS = [p for p in POINTS if p not in ("journal-written", "replaced", "removed")]
INCREMENTAL_POINTS = [p for p in POINTS if p not in ("swap", "swapped")]


def scenarios(bench: Bench, quick: bool) -> list:
    """(what it is, how to run it): every scenario of the table, in its order."""
    todo = [(f"kill at {p}, cold", lambda p=p: bench.kill_cold(p)) for p in COLD_POINTS]
    # each worker counts its own pages: a quarter of the entries is half way through its entry pages
    todo.append(("kill at staged:half, cold", lambda: bench.kill_cold(f"staged:{len(bench.corpus.entries) // 4}")))
    for count in bench.edits:
        todo += [(f"kill at {p}, {count} edited", lambda p=p, c=count: bench.kill_incremental(p, c))
                 for p in INCREMENTAL_POINTS]
        todo.append((f"kill at replaced:half, {count} edited",
                     lambda c=count: bench.kill_incremental(f"replaced:{max(2, c // 2)}", c)))
    todo += [
        ("kill a worker", bench.kill_worker),
        ("random kill, cold", lambda: bench.kill_random(0)),
        (f"random kill, {bench.edits[-1]} edited", lambda: bench.kill_random(bench.edits[-1])),
        ("two builds", bench.two_builds),
        ("build beside serve", bench.build_beside_serve),
        ("two ingests", lambda: bench.two_ingests(60 if quick else 1000)),
    ]
    todo += [(f"damaged: {name}", lambda n=name, d=damage: bench.damaged(n, d)) for name, damage in DAMAGE.items()]
    return todo


def table(rows: list[Row]) -> str:
    lines = ["| scenario | runs | site equal to a clean build | leftovers | time to recover | notes |",
             "| --- | ---: | ---: | ---: | ---: | --- |"]
    for row in rows:
        median = f"{statistics.median(row.seconds):.1f} s" if row.seconds else "—"
        lines.append(f"| {row.scenario} | {row.runs} | {row.equal}/{row.runs} | {row.leftovers} | {median} "
                     f"| {'; '.join(row.notes)} |")
    return "\n".join(lines)


def machine_line(entries: int) -> str:
    cpu = re.search(r"^model name\s*:\s*(.*)$", Path("/proc/cpuinfo").read_text(), re.M)
    commit = subprocess.run(["git", "-C", str(REPO), "log", "-1", "--format=%h"], capture_output=True,
                            text=True).stdout.strip()
    return (f"{datetime.now():%Y-%m-%d %H:%M}, {cpu.group(1) if cpu else platform.processor()}, "
            f"{len(os.sched_getaffinity(0))} cores, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}, digest at {commit or '?'}, {entries:,} entries, "
            f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000, help="entries in the generated corpus (default 10,000)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each random kill (default 3); every other scenario runs once")
    parser.add_argument("--seed", type=int, default=14, help="seed of the corpus and of the random kills")
    parser.add_argument("--quick", action="store_true", help="300 entries, one run of each: a smoke test")
    parser.add_argument("--only", default="", help="run only the scenarios whose name contains this")
    parser.add_argument("--work", type=Path, help="work folder (default: a temporary one, removed after)")
    args = parser.parse_args()
    entries, runs = (min(args.entries, 300), 1) if args.quick else (args.entries, args.runs)
    edits = sorted({1, max(2, min(3000, entries // 3))})
    work = args.work or Path(tempfile.mkdtemp(prefix="digest-faults-"))
    began = time.perf_counter()
    try:
        header = machine_line(entries)
        print(f"generating {entries:,} entries and their clean builds in {work}…", file=sys.stderr, flush=True)
        bench = Bench(Corpus(work, entries, args.seed), runs, args.seed, edits)
        for name, run in scenarios(bench, args.quick):
            if args.only in name:
                run()
        print(f"{header}; {time.perf_counter() - began:.0f} s in all, load average at the end "
              f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}\n")
        print(table(bench.rows))
        failed = [row.scenario for row in bench.rows if row.equal < row.runs or row.leftovers]
        if failed:
            print(f"\nnot as promised: {', '.join(failed)}", file=sys.stderr)
            sys.exit(1)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
