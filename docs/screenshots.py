"""Screenshots of the web pages (home, argument, source, map) into docs/screenshots/, through headless Chromium.

    .venv/bin/python docs/screenshots.py [--dark] [--out DIR] [--chromium /usr/bin/chromium]

Serves the pages in this process on a free port for the bundled corpus and a throwaway SQLite database, then
drives Debian's chromium through playwright (the `test` extra). `--dark` takes them in the dark colour scheme.
"""
from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from adapters.web.pages.command import serve_pages  # noqa: E402
from bot.settings import Settings  # noqa: E402

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
CLAIM = "open weights just hand terrorists a bioweapon recipe"
PAGES = {  # file name -> path
    "home": f"/?q={CLAIM.replace(' ', '+')}",
    "argument": "/arguments/security-open-ai-safer",  # quotes from four sources, one restored, deep links
    "source": "/quotes/transparency-hoarding-is-malicious/1",  # lands on the highlighted quote in its source
    "map": "/map/platforms",
}


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def shoot(out: Path, dark: bool, chromium: str) -> list[Path]:
    from playwright.async_api import async_playwright

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        settings = Settings(_env_file=None, data_dir=data,
                            database_url=f"sqlite+aiosqlite:///{data / 'pages.sqlite3'}")
        port = _free_port()
        stop, started = asyncio.Event(), asyncio.Event()
        server = asyncio.create_task(serve_pages(settings, "127.0.0.1", port, stop=stop, started=started))
        await asyncio.wait_for(started.wait(), 300)
        written = []
        try:
            async with async_playwright() as pw:
                browser = await pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
                page = await browser.new_page(viewport={"width": 1280, "height": 860},
                                              color_scheme="dark" if dark else "light")
                for name, path in PAGES.items():
                    await page.goto(f"http://127.0.0.1:{port}{path}")
                    target = out / (f"{name}-dark.png" if dark else f"{name}.png")
                    await page.screenshot(path=str(target))
                    written.append(target)
                await browser.close()
        finally:
            stop.set()
            await server
        return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dark", action="store_true", help="the dark colour scheme (files named *-dark.png)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    if not Path(args.chromium).exists():
        print(f"no chromium at {args.chromium} (apt-get install chromium, or give --chromium)", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    for path in asyncio.run(shoot(args.out, args.dark, args.chromium)):
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
