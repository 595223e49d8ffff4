"""Fixtures for the preview server: a small site in tmp_path, a running server, Chromium."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from serve_helpers import (
    TIMEOUT,
    RecordingBuilder,
    Running,
    make_site,
)

from digest.config import load_config
from digest.serve import PreviewServer


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return make_site(tmp_path / "site-root")


@pytest.fixture
def start_server() -> Iterator[Callable[..., Running]]:
    started: list[PreviewServer] = []

    def start(root: Path, **kwargs) -> Running:
        builders: list[RecordingBuilder] = []

        def factory(config):
            builders.append(RecordingBuilder(config))
            return builders[-1]

        server = PreviewServer(load_config(root, drafts=kwargs.pop("drafts", False)), port=0,
                               builder_factory=factory, **kwargs)
        started.append(server)
        server.start()
        return Running(server, builders)

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def running(site: Path, start_server) -> Running:
    return start_server(site)


@pytest.fixture
def page(chromium):
    context = chromium.new_context()
    tab = context.new_page()
    tab.set_default_timeout(TIMEOUT * 1000)
    yield tab
    context.close()
