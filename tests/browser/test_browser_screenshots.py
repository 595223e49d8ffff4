"""``scripts/screenshots.py`` writes a PNG of each page, width and colour scheme."""
from __future__ import annotations

import importlib.util
import struct
from concurrent.futures import ThreadPoolExecutor

from browser_helpers import REPO

SCRIPT = REPO / "scripts" / "screenshots.py"
PNG = b"\x89PNG\r\n\x1a\n"


def load_script():
    spec = importlib.util.spec_from_file_location("digest_screenshots", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_screenshots_are_written(chromium, tmp_path, capsys) -> None:
    """Runs where the browser tests run (``chromium`` skips or fails like the others).

    The script drives its own Playwright, in a thread of its own: the session's
    Playwright owns this thread's event loop.
    """
    script = load_script()
    out = tmp_path / "shots"
    with ThreadPoolExecutor(1) as pool:
        assert pool.submit(script.main, ["--out", str(out)]).result(timeout=300) == 0
    printed = capsys.readouterr().out.split()
    expected = {f"{page}-{size}-{scheme}.png": width
                for page in ("home", "entry")
                for size, (width, _) in script.SIZES.items()
                for scheme in ("light", "dark")}
    # the sample digest is multilingual: the Kazakh and Russian homes at a phone's width
    expected.update({f"home-{lang}-phone-{scheme}.png": 390 for lang in ("kk", "ru") for scheme in ("light", "dark")})
    assert sorted(p.name for p in out.iterdir()) == sorted(expected)
    assert sorted(printed) == sorted(str(out / name) for name in expected)
    for name, width in expected.items():
        data = (out / name).read_bytes()
        assert data.startswith(PNG), name
        png_width, png_height = struct.unpack(">II", data[16:24])  # the IHDR chunk
        assert png_width == width, name
        assert png_height >= script.SIZES["phone" if width == 390 else "desktop"][1], name
