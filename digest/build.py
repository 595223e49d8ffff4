"""``build(config)``: load every entry, group them, render, then write.

Gather everything first, write last: a bad entry or template fails the build
before the output folder changes. The expensive steps (Markdown, templates) are
shared between processes when there is enough work.

Two ways to write:

* **full**: every file is rendered into a staging folder beside the output,
  which then replaces the output in one rename (a first build, or an output
  folder the cache does not describe);
* **incremental**: only files whose key changed are rendered, only those whose
  bytes changed are written (staged first, then moved into place one by one
  with ``os.replace``), and files no longer in the site are removed.

Both write exactly the same bytes; the test suite checks it.
"""
from __future__ import annotations

import gc
import hashlib
import logging
import os
import resource
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from digest import cache as cachemod
from digest import faults
from digest.cache import EntryCache, Manifest, Stamp
from digest.collect import collect
from digest.config import SiteConfig
from digest.content import find_entries, scan_entries
from digest.errors import CacheError, DigestError, DuplicateURLError
from digest.i18n import catalog_files
from digest.lock import Say, site_lock, to_stderr
from digest.model import Entry, forget_packs
from digest.output import Staging, clear_debris, marker_stamp, scratch_prefix
from digest.parallel import read_entries, read_into, render_into
from digest.plan import PAGE_TEMPLATES, PlanState, PageSpec, plan_site
from digest.render import Renderer, template_folders
from digest.search import BUNDLE, ENTRY_PAGES, SearchOutcome, index_site
from digest.stories import CandidatePairs, PairsState

log = logging.getLogger(__name__)

@dataclass(frozen=True)
class BuildResult:
    output: Path
    entries: int
    pages: int  # files the site has
    rendered: int  # files rendered by this build
    written: int  # files whose bytes changed
    removed: int
    seconds: float
    full: bool
    search: SearchOutcome | None = None  # None: the search index was not asked for or not needed

    def summary(self) -> str:
        how = "full build" if self.full else "incremental"
        return (
            f"built {self.entries} entries into {self.output}: {self.pages} files "
            f"({self.rendered} rendered, {self.written} written, {self.removed} removed; {how}) "
            f"in {self.seconds:.2f} s"
        )

    @property
    def pages_changed(self) -> bool:
        return self.full or bool(self.written or self.removed)


class _Clock:
    """Wall and CPU time of each step of a build, for ``digest -v``. CPU time
    counts this process and the workers it has finished with."""

    def __init__(self) -> None:
        self.steps: list[tuple[str, float, float]] = []
        self._last = self._now()

    @staticmethod
    def _now() -> tuple[float, float]:
        workers = resource.getrusage(resource.RUSAGE_CHILDREN)
        return time.perf_counter(), time.process_time() + workers.ru_utime + workers.ru_stime

    def lap(self, step: str) -> None:
        now = self._now()
        self.steps.append((step, now[0] - self._last[0], now[1] - self._last[1]))
        self._last = now

    def __str__(self) -> str:
        return ", ".join(f"{step} {wall:.2f} s ({cpu:.2f} CPU-s)" for step, wall, cpu in self.steps)


class Builder:
    """Builds one site again and again (``digest serve`` keeps one).

    Every call of :meth:`build` writes exactly what a fresh ``digest build``
    would write. Between calls it keeps the entries it read and the manifest of
    what it wrote, so a rebuild after one edit reads one file and renders only
    the pages that show it. With ``use_cache`` it also keeps them on disk.
    """

    def __init__(
        self, config: SiteConfig, *, use_cache: bool = True, autosave: bool = True, search: bool | None = None,
        remember: bool = True, wait: bool = True, say: Say | None = None,
    ) -> None:
        self.config = config
        self.lock = site_lock(config.cache_dir)  # held while building and saving
        self.wait = wait  # for another process that holds it, else raise LockError
        self.say = say  # where the one line "waiting for another digest process…" goes (stderr)
        self._generation = ""  # the token this builder left in the cache folder last
        self.remember = remember  # keep what the next build may reuse (not worth it for a single build)
        self.search = config.search if search is None else search  # index the site with Pagefind after writing
        self.use_cache = use_cache
        self.autosave = autosave  # write the entry cache after every build (serve saves on exit)
        self._unsaved = False
        self._manifest_unsaved = False
        self._entries: EntryCache | None = None
        self._manifest: Manifest | None = None
        self._scanned = False  # the entries in memory reflect a full scan of the content folder
        self._renderer: Renderer | None = None
        self._renderer_settings = ""
        self._scratch: tempfile.TemporaryDirectory | None = None
        self._spec_memo: dict[tuple, PageSpec] = {}  # entry page key → its spec
        self._related_memo: dict[tuple, tuple] = {}  # an entry and its neighbours → its related entries
        self._collect_memo: dict = {}  # what collect() may reuse from the last build
        self._memo_settings = ""
        self._key_memo: dict[tuple, str] = {}
        self._key_settings = ""
        self._next: tuple | None = None  # the last build's site, sitemap lines, candidate pairs, settings
        self._search: SearchOutcome | None = None

    def build(self, changed: set[Path] | None = None) -> BuildResult:
        """Build the site; ``changed`` (from a watcher) names the files that changed.

        When every changed path is an entry file, only those are looked at;
        otherwise the content folder is scanned as usual.
        """
        # A build allocates many objects and frees them with it, cycles are
        # rare: the collector's full passes over every entry (a third of the
        # main process's time at 10,000 entries) buy nothing. Workers turn it
        # back on; the garbage of a build is collected after it.
        enabled = gc.isenabled()
        gc.disable()
        try:
            with self.lock.hold(wait=self.wait, say=self.say):
                self._claim()
                self._clear_debris()
                try:
                    return self._build(changed)
                except CacheError as exc:
                    if not self.use_cache:
                        raise
                    # Bodies are read while rendering, before the output changes (or
                    # when the cache is compacted: the full build below writes every file again).
                    (self.say or to_stderr)(f"warning: the build cache is damaged ({exc}); "
                                          "dropped it, reading every entry again")
                    self._forget()
                    cachemod.drop(self.config.cache_dir)
                    return self._build(None)
        finally:
            if enabled:
                gc.enable()

    def _claim(self) -> None:
        """Take over the site (the lock is held): if another builder, in this
        process or another, built since this one, what this one remembers may
        no longer be what the cache and the output say, so it is dropped. (A
        builder without the disk cache changes neither the cache nor, but by a
        swap its marker tells, the output.)"""
        if not self.use_cache:
            return
        cache_dir = self.config.cache_dir
        if self._generation and cachemod.read_generation(cache_dir) != self._generation:
            self._forget()
        self._generation = cachemod.new_generation(cache_dir)

    def _clear_debris(self) -> None:
        """Remove what killed builds of this site left (the lock is held: no live build's files)."""
        config = self.config
        clear_debris(config.output_dir, f".{BUNDLE}-")
        cachemod.clear_debris(config.cache_dir)
        mine = self._scratch.name if self._scratch is not None else None
        for path in Path(tempfile.gettempdir()).glob(self._scratch_prefix() + "*"):
            if str(path) != mine:
                shutil.rmtree(path, ignore_errors=True)

    def _scratch_prefix(self) -> str:
        """The name start of this site's folder for bodies in the temp folder (a build without the cache)."""
        site = hashlib.blake2b(str(self.config.cache_dir.resolve()).encode(), digest_size=6).hexdigest()
        return f"digest-bodies-{site}-"

    def _forget(self) -> None:
        """Drop everything kept from earlier builds: the next one starts from the disk."""
        self._entries = None
        self._manifest = None
        self._next = None
        self._scanned = False
        self._unsaved = self._manifest_unsaved = False
        self._renderer = None
        self._spec_memo, self._related_memo, self._collect_memo, self._key_memo = {}, {}, {}, {}

    def _build(self, changed: set[Path] | None) -> BuildResult:
        start = time.perf_counter()
        clock = _Clock()
        config = self.config
        settings = cachemod.config_digest(config)
        scanned = inputs = None
        if changed is None:
            scanned, statics = self._scan(), static_specs(config)
            inputs = cachemod.fingerprint(
                settings, _templates_digest(config), [(rel, st.size, st.mtime_ns) for rel, _, st in scanned],
                [spec.key for spec in statics],
            )
            done = self._unchanged(inputs)
            if done is not None:
                return BuildResult(config.output_dir, done.entries, len(done.files), 0, 0, 0,
                                   time.perf_counter() - start, False)
        clock.lap("scan")
        page_settings = cachemod.fingerprint(settings, _templates_digest(config))
        entries = self._load(settings, changed, scanned, meanwhile=lambda: self._warm_renderer(page_settings))
        clock.lap("read")
        manifest = self._current_manifest(page_settings)
        stories_memo = self._stories_memo(manifest, settings)
        site = collect(entries, include_drafts=config.drafts, tz=config.tz, story_threshold=config.story_threshold,
                       memo=self._collect_memo if self.remember else None, stories_memo=stories_memo)
        clock.lap("group")
        if self._memo_settings != settings or len(self._spec_memo) > 2 * len(site.entries) + 100:
            self._spec_memo = {}
            self._related_memo = {}
            self._memo_settings = settings
        if len(self._related_memo) > 2 * len(site.entries) + 100:
            self._related_memo = {}
        memos = (self._spec_memo, self._related_memo) if self.remember else (None, None)
        last_build = None
        rows: dict | None = {} if self.use_cache else None  # the sitemap lines, by page (kept for the next build)
        if not self.remember and manifest is not None and isinstance(manifest.plan, PlanState):
            # (a builder that remembers keeps its last plan in memory; a manifest
            # of other settings has no key to keep, nor a state)
            last_build, rows = (manifest.plan, manifest.files), dict(manifest.plan.rows)
        specs = plan_site(site, config, *memos, last_build, rows) + (statics if scanned is not None else static_specs(config))
        _check_unique(specs)
        renderer = self._renderer_for(page_settings)
        renderer.use_site(site)
        renderer.check_templates(spec.template for spec in specs)
        keys = self._keys(specs, page_settings)
        clock.lap("plan")

        self._search = None
        if manifest is None:
            result = self._full(specs, keys, renderer, page_settings)
        else:
            result = self._incremental(specs, keys, renderer, manifest)
        files, rendered, written, removed, full = result
        if self.use_cache:  # what the next single build starts from, made when the manifest is saved
            self._next = (site, self._related_memo.get("sitemap rows", {}) if self.remember else rows,
                          stories_memo.get("slices"), settings)
        clock.lap("render and write")
        faults.point("written")
        self._manifest.inputs = inputs or ""  # unknown after a partial look (serve names what changed)
        self._manifest.entries = len(site.entries)
        self._manifest_unsaved = True
        if self.autosave:
            self._save_all()
        if self.remember:
            # What this build keeps (entries, memos, page specs) lives until the next
            # one: move it out of the garbage collector's way, or every few builds a
            # full collection walks all of it (≈ 0.1 s at 10,000 entries).
            gc.freeze()
        clock.lap("save")
        seconds = time.perf_counter() - start
        log.info("%d files, %d rendered, %d written in %.2f s: %s", len(specs), rendered, written, seconds, clock)
        return BuildResult(config.output_dir, len(site.entries), files, rendered, written, removed, seconds, full, self._search)

    def _stories_memo(self, manifest: Manifest | None, settings: str) -> dict | None:
        """What ``find_stories`` keeps: a long-lived builder's own; with the
        cache, a single build's, started from the last build's candidate pairs;
        without the cache, nothing (no next build would read it)."""
        if self.remember:
            memo = self._collect_memo.setdefault("stories", {})
        elif self.use_cache:
            memo = {}
        else:
            return None
        if "slices" not in memo and manifest is not None and manifest.story_pairs is not None:
            pairs_settings, state = manifest.story_pairs
            if pairs_settings == settings and isinstance(state, PairsState):
                memo["slices"] = CandidatePairs.restored(state)
        return memo

    def _keep_for_next(self, manifest: Manifest) -> None:
        """Put in the manifest what the next single build starts from: what the
        last build's entry pages were made from, its sitemap lines, and its
        stories' candidate pairs (made now: a long-lived builder saves once,
        when it stops)."""
        if self._next is None:
            return
        site, rows, pairs, settings = self._next
        manifest.plan = None if self.config.languages else PlanState.of(site, rows)
        manifest.story_pairs = (settings, pairs.state()) if pairs is not None else None
        self._next = None

    def _keys(self, specs: list[PageSpec], page_settings: str) -> dict[str, str]:
        """path → hash of the page's key; a builder that remembers keeps the hashes between builds."""
        if self._key_settings != page_settings:
            self._key_memo = {}
            self._key_settings = page_settings
        memo = self._key_memo
        keys = {}
        if not self.remember:
            for spec in specs:
                keys[spec.path] = spec.known or _key_hash(spec.key, page_settings)
            return keys
        for spec in specs:
            digest = memo.get(spec.key)
            if digest is None:
                digest = memo[spec.key] = _key_hash(spec.key, page_settings)
            keys[spec.path] = digest
        if len(memo) > 2 * len(specs):  # forget entries long gone
            self._key_memo = {}
        return keys

    def _renderer_for(self, page_settings: str) -> Renderer:
        """The renderer of the last build while templates and settings stay the same."""
        if self._renderer is None or self._renderer_settings != page_settings:
            compiled = self.config.cache_dir / "templates" if self.use_cache else None
            self._renderer = Renderer(self.config, compiled)
            self._renderer_settings = page_settings
        self._renderer.start_build()
        return self._renderer

    def _warm_renderer(self, page_settings: str) -> None:
        """Make the renderer and compile the theme's templates while the entries
        are read (other processes read them: 60 ms less of a cold build spent
        waiting on this one). Whatever fails here fails again where the build
        asks for it (``check_templates``), after the entries, as without this."""
        try:
            renderer = self._renderer_for(page_settings)
        except DigestError:
            self._renderer = None
            return
        renderer.warm(PAGE_TEMPLATES)

    # -- reading ---------------------------------------------------------------

    def _scan(self) -> list[tuple[str, str, Stamp]]:
        """(relative path, full path, stamp) of every entry file."""
        found = []
        for rel, full in scan_entries(self.config.content_dir):
            st = os.stat(full)
            found.append((rel, full, Stamp(st.st_size, st.st_mtime_ns)))
        return found

    def _unchanged(self, inputs: str) -> Manifest | None:
        """The manifest, when the output was built from exactly these inputs and is still in place."""
        config = self.config
        manifest = self._stored_manifest()
        if manifest is None or not manifest.inputs or manifest.inputs != inputs:
            return None
        if self.use_cache and cachemod.journal(config.cache_dir) is not None:
            return None  # a build changed files since (killed, or a preview that saves when it stops)
        if self.search and not (config.output_dir / "pagefind" / "pagefind.js").is_file():
            return None  # the index is missing (skipped or failed last time): try again
        return manifest

    def _load(
        self, settings: str, changed: set[Path] | None = None, scanned: list[tuple[str, str, Stamp]] | None = None,
        meanwhile: Callable[[], None] | None = None,
    ) -> list[Entry]:
        config = self.config
        if self._entries is None or self._entries.settings != settings:
            self._entries = (
                cachemod.load_entries(config.cache_dir, settings) if self.use_cache else EntryCache(settings)
            )
            self._scanned = False
        cache = self._entries
        found: dict[str, tuple[Stamp, Entry]] = {}
        todo: list[tuple[str, Stamp, str]] = []
        entry_files = self._changed_entries(changed) if self._scanned else None
        if entry_files is not None:
            found = dict(cache.entries)
            files = []
            for rel in entry_files:
                full = os.path.join(config.content_dir, rel)
                try:
                    st = os.stat(full)
                except FileNotFoundError:
                    found.pop(rel, None)
                    continue
                if os.path.isfile(full):
                    files.append((rel, full, Stamp(st.st_size, st.st_mtime_ns)))
                else:
                    found.pop(rel, None)
        else:
            files = scanned if scanned is not None else self._scan()
        for rel, full, stamp in files:
            hit = cache.get(rel, stamp)
            if hit is not None:
                found[rel] = (stamp, hit)
            else:
                todo.append((rel, stamp, full))
        if todo:
            rows, segments = read_into(todo, config, self._pack_dir(), settings, meanwhile)
            found.update(rows)
            if self.use_cache:
                cache.adopt(segments, rows)
            else:
                for segment in segments:
                    segment.unlink()
        dirty = bool(todo) or found.keys() != cache.entries.keys()
        cache.entries = found
        self._scanned = True
        self._unsaved = self._unsaved or dirty
        if self.autosave:  # kept even if this build fails later
            self._save_entries()
            faults.point("entries-saved")
        return [entry for _, entry in found.values()]

    def _pack_dir(self) -> Path:
        """Where bodies go: the cache, or a folder that lives as long as this Builder."""
        if self.use_cache:
            return self.config.cache_dir
        if self._scratch is None:
            self._scratch = tempfile.TemporaryDirectory(prefix=self._scratch_prefix())
        return Path(self._scratch.name)

    def close(self) -> None:
        """Save the cache and drop the scratch folder of a cache-less Builder."""
        self.save()
        if self._scratch is not None:
            forget_packs(self._scratch.name)
            self._scratch.cleanup()
            self._scratch = None

    def save(self) -> None:
        """Write what changed since the last save (entries, output manifest) to the disk cache.

        Not when another builder has built since: the cache is then its."""
        if not self.use_cache or not (self._unsaved or self._manifest_unsaved):
            return
        with self.lock.hold(wait=self.wait, say=self.say):
            if self._generation and cachemod.read_generation(self.config.cache_dir) != self._generation:
                self._forget()
            self._save_all()

    def _save_all(self) -> None:
        self._save_entries()
        if self.use_cache and self._manifest_unsaved and self._manifest is not None:
            self._keep_for_next(self._manifest)
            cachemod.save_manifest(self.config.cache_dir, self._manifest)
            faults.point("manifest-saved")
            cachemod.clear_journal(self.config.cache_dir)  # the manifest now says what the output holds
        self._manifest_unsaved = False

    def _save_entries(self) -> None:
        if self.use_cache and self._unsaved and self._entries is not None:
            cachemod.save_entries(self.config.cache_dir, self._entries)
        self._unsaved = False

    def _changed_entries(self, changed: set[Path] | None) -> list[str] | None:
        """The changed entry files (relative), or None when a full scan is needed."""
        if not changed:
            return None
        content = self.config.content_dir
        rels = []
        for path in changed:
            try:
                rel = Path(path).relative_to(content)
            except ValueError:
                if Path(path).suffix in (".html", ".xml", ".css", ".js") or Path(path).name == "digest.toml":
                    continue  # templates and static files are looked at on every build
                return None
            if rel.suffix != ".md" or Path(path).is_dir():
                return None
            if any(part.startswith(".") for part in rel.parts):
                continue
            rels.append(rel.as_posix())
        return rels

    # -- writing ---------------------------------------------------------------

    def _stored_manifest(self) -> Manifest | None:
        """The manifest of the last build, if it describes the output folder as it is."""
        config = self.config
        manifest = self._manifest
        if manifest is None and self.use_cache:
            manifest = cachemod.load_manifest(config.cache_dir)
            journal = cachemod.journal(config.cache_dir) if manifest is not None else None
            for rel in journal or ():
                # A build changed (or was about to change) this file and did not
                # save the manifest after: its key and bytes are unknown, so it
                # is rendered and written again, or removed if no page has it.
                manifest.files[rel] = ("", "")
        if manifest is None:
            return None
        if manifest.output != str(config.output_dir) or manifest.marker != marker_stamp(config.output_dir):
            return None
        self._manifest = manifest  # (read once a build: the steps after the scan look at it again)
        return manifest

    def _current_manifest(self, page_settings: str) -> Manifest | None:
        """The manifest of the output folder as it is, if the cache knows it."""
        manifest = self._stored_manifest()
        if manifest is None:
            return None
        if manifest.settings != page_settings:
            # Templates or settings changed: every key changes, but the
            # manifest still tells which bytes are already in place.
            files = {p: ("", h) for p, (_, h) in manifest.files.items()}
            manifest = Manifest(page_settings, manifest.output, manifest.marker, files, story_pairs=manifest.story_pairs)
        return manifest

    def _full(self, specs, keys, renderer, page_settings):
        config = self.config
        protect = (config.root, config.content_dir, config.templates_dir, config.static_dir)
        with Staging(config.output_dir, protect=protect) as out:
            hashes = render_into(out.path, specs, renderer, keep_partials=self.remember,
                                 scratch=scratch_prefix(config.output_dir, "partials"))
            if self.search:  # the index goes in with the pages, in the same swap
                self._search = index_site(out.path, language=config.search_language, glob=ENTRY_PAGES)
            out.commit()
        files = {p: (keys[p], hashes[p]) for p in keys}
        self._manifest = Manifest(page_settings, str(config.output_dir), marker_stamp(config.output_dir), files)
        n = len(specs)
        return n, n, n, 0, True

    def _incremental(self, specs, keys, renderer, manifest: Manifest):
        config = self.config
        old = manifest.files
        missing = ("", "")
        # (``keys`` holds the specs' paths in the specs' order)
        todo = [spec for spec, key in zip(specs, keys.values()) if old.get(spec.path, missing)[0] != key]
        gone = sorted(old.keys() - keys.keys())
        staging = Path(tempfile.mkdtemp(prefix=scratch_prefix(config.output_dir, "staging"), dir=config.output_dir.parent))
        try:
            skip = {spec.path: old[spec.path][1] for spec in todo if spec.path in old}
            hashes = render_into(staging, todo, renderer, skip=skip, scratch=scratch_prefix(config.output_dir, "partials"))
            written = []
            for spec in todo:
                if (staging / spec.path).exists():
                    written.append(spec.path)
            # Everything is rendered: now change the output, file by file,
            # after the journal says which files (the manifest is saved after).
            if self.use_cache and (written or gone):
                cachemod.add_to_journal(config.cache_dir, written + gone)
                faults.point("journal-written")
            for rel in written:
                target = config.output_dir / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(staging / rel, target)
                faults.point("replaced")
            for rel in gone:
                _remove(config.output_dir, rel)
                faults.point("removed")
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        if self.search and any(rel.endswith(".html") for rel in (*written, *gone)):
            self._search = index_site(config.output_dir, language=config.search_language, glob=ENTRY_PAGES)
        files = old  # updated in place: the output now matches it
        for rel in gone:
            del files[rel]
        for spec in todo:
            files[spec.path] = (keys[spec.path], hashes[spec.path])
        self._manifest = manifest
        return len(specs), len(todo), len(written), len(gone), False


def build(config: SiteConfig, *, use_cache: bool = True, search: bool | None = None, wait: bool = True,
          keep: list | None = None) -> BuildResult:
    """Build the site once: the function behind ``digest build``.

    ``keep``: a list the builder is added to, so that what it holds (every
    entry) is not freed on return; the CLI's, which the exit drops at once
    (freeing 10,000 entries one by one takes 10 ms).
    """
    builder = Builder(config, use_cache=use_cache, search=search, remember=False, wait=wait)
    if keep is not None:
        keep.append(builder)
    with builder.lock.hold(wait=wait):
        try:
            return builder.build()
        finally:
            builder.close()


def load_entries(config: SiteConfig) -> list[Entry]:
    """Every entry of the content folder, read afresh (no cache)."""
    return read_entries(find_entries(config.content_dir), config)


def static_specs(config: SiteConfig) -> list[PageSpec]:
    """Static files: the theme's, the site's template static files, the site's static/."""
    sources: dict[str, Path] = {}
    for folder in reversed(template_folders(config)):
        _static_files(folder / "static", "static/", sources)
    _static_files(config.static_dir, "", sources)
    specs = []
    for rel, path in sorted(sources.items()):
        st = path.stat()
        specs.append(PageSpec(rel, "static:", {"source": path}, ("static", str(path), st.st_size, st.st_mtime_ns)))
    return specs


def _static_files(folder: Path, prefix: str, into: dict[str, Path]) -> None:
    if not folder.is_dir():
        return
    for path in folder.rglob("*"):
        rel = path.relative_to(folder)
        if path.is_file() and not any(part.startswith(".") for part in rel.parts):
            into[prefix + rel.as_posix()] = path


def _templates_digest(config: SiteConfig) -> str:
    h = hashlib.blake2b(digest_size=16)
    for folder in template_folders(config):
        for path in sorted(folder.rglob("*.html")) + sorted(folder.rglob("*.xml")):
            h.update(str(path).encode())
            h.update(path.read_bytes())
    for path in catalog_files(config.locales_dir):  # the theme's words: digest's and the site's
        h.update(str(path).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def _key_hash(key: tuple, settings: str) -> str:
    text = "\x1f".join([settings, *map(str, key)])
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def _check_unique(specs: list[PageSpec]) -> None:
    seen: set[str] = set()
    for spec in specs:
        if spec.path in seen:
            raise DuplicateURLError(f"two pages would be written to /{spec.path}; one would be lost")
        seen.add(spec.path)


def _remove(output: Path, rel: str) -> None:
    target = output / rel
    target.unlink(missing_ok=True)
    folder = target.parent
    while folder != output:
        try:
            folder.rmdir()
        except OSError:
            break
        folder = folder.parent
