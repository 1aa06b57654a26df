"""The pages in a real headless Chromium (Debian's, driven by playwright) against a running `counterpoint web`."""
from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import time
from pathlib import Path

import aiohttp
import pytest
import pytest_asyncio

from bot.weblinks import debate_url, quote_path
from service_helpers import counterpoint_cli, make_settings
from web_helpers import MOTION, PRIVATE_WORDS, SECRET, XSS_CLAIM, XSS_ID, free_port, hold_debate, seed_database

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
START = 240.0  # upper bound for the server process to load the corpus and index (never asserted as speed)

try:
    from playwright.async_api import async_playwright
except ImportError:  # the `test` extra is not installed
    async_playwright = None

pytestmark = [
    pytest.mark.skipif(async_playwright is None, reason="playwright is not installed (pip install -e '.[test]')"),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="no browser: /usr/bin/chromium is missing "
                                                     "(apt-get install chromium)"),
    pytest.mark.asyncio(loop_scope="module"),
]


async def _wait_until_serving(base: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + START
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise AssertionError(f"counterpoint web exited with {process.returncode}: "
                                     f"{process.stderr.read() if process.stderr else ''}")
            try:
                async with http.get(f"{base}/") as resp:
                    if resp.status == 200:
                        return
            except aiohttp.ClientConnectionError:
                pass
            await asyncio.sleep(0.25)
    raise AssertionError("counterpoint web did not start")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def site(tmp_path_factory, corpus):
    """`counterpoint web` as a process over a seeded database with one debate: (base URL, debate id)."""
    from bot.service.service import CounterpointService

    folder = tmp_path_factory.mktemp("browser")
    settings = make_settings(folder, web_secret=SECRET)
    await seed_database(settings, corpus)
    service = await CounterpointService.start(settings, corpus=corpus)
    try:
        debate_id = await hold_debate(service, settings)
    finally:
        await service.close()
    port = free_port()
    env = {**os.environ, "DATABASE_URL": settings.effective_database_url, "DATA_DIR": str(settings.data_dir),
           "CORPUS_DIR": str(settings.corpus_dir), "WEB_SECRET": SECRET, "WEB_PORT": "", "HEALTH_PORT": ""}
    process = subprocess.Popen([*counterpoint_cli(), "web", "--host", "127.0.0.1", "--port", str(port)],
                               env=env, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        await _wait_until_serving(base, process)
        yield base, debate_id
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            code = process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            code = process.wait()
        assert code == 0, process.stderr.read() if process.stderr else code


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def browser():
    async with async_playwright() as pw:
        launched = await pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        await launched.close()


@pytest_asyncio.fixture(loop_scope="module")
async def page(browser):
    """A fresh page that records every dialog (an alert would mean a script ran) and console error."""
    context = await browser.new_context(viewport={"width": 1200, "height": 800})
    opened = await context.new_page()
    opened.dialogs, opened.errors = [], []
    opened.on("dialog", lambda d: (opened.dialogs.append(d.message), asyncio.ensure_future(d.dismiss())))
    opened.on("pageerror", lambda e: opened.errors.append(str(e)))
    yield opened
    await context.close()


async def test_home_page_lists_topics_and_the_search_answers_like_the_bot(site, page):
    base, _ = site
    response = await page.goto(f"{base}/")
    assert response.status == 200
    assert await page.title() == "Open vs closed AI · Counterpoint"
    assert await page.locator("main h1").count() == 1
    assert await page.locator("section.topic").count() >= 18
    assert await page.locator("section.topic a[href^='/arguments/']").count() > 80
    cookies = await page.context.cookies()
    assert cookies == []
    await page.get_by_label("Your claim").fill("open weights just hand terrorists a bioweapon recipe")
    await page.keyboard.press("Enter")  # the form works without any script
    await page.wait_for_url("**/?q=*")
    cards = page.locator("section.answer article.card")
    assert await cards.count() >= 2
    assert await cards.nth(1).locator(".counter-label").inner_text() == "Counterpoint:"
    assert "biological weapons" in (await cards.first.inner_text())
    assert await page.evaluate("document.scripts.length") == 0


async def test_argument_page_shows_quotes_with_their_speaker_place_and_links(site, page):
    base, _ = site
    response = await page.goto(f"{base}/arguments/risk-llama31-not-dangerous")
    assert response.status == 200
    assert "not a threat" in (await page.locator("h1").inner_text())
    figures = page.locator("figure.quote")
    assert await figures.count() >= 1
    caption = await figures.first.locator("figcaption").inner_text()
    assert "in the source, highlighted" in caption
    answered = page.locator("section[aria-labelledby='answered-title'] li a")
    assert await answered.count() >= 1
    await answered.first.click()  # a counter is one click away
    await page.wait_for_url("**/arguments/**")
    assert "/arguments/risk-llama31-not-dangerous" not in page.url


async def test_a_quote_link_lands_on_its_highlighted_passage_with_what_came_before_and_after(site, page):
    base, _ = site
    response = await page.goto(base + quote_path("misuse-bioweapons", 0))
    assert response.status == 200 and response.request.redirected_from is not None
    assert "/sources/000?quote=misuse-bioweapons.0#p" in page.url
    anchor = page.url.rsplit("#", 1)[1]
    target = page.locator(f"#{anchor}")
    assert "biological weapons" in (await target.locator("mark").inner_text())
    assert await target.evaluate("e => e.classList.contains('quoted')")
    box = await target.bounding_box()
    assert box is not None and 0 < box["y"] < 800  # scrolled into view ...
    before = page.locator(f"#p{int(anchor[1:]) - 1}")
    after = page.locator(f"#p{int(anchor[1:]) + 1}")
    for neighbour in (before, after):  # ... with the passages around it on screen too
        near = await neighbour.bounding_box()
        assert near is not None and 0 < near["y"] < 800
    background = await target.locator("mark").evaluate("e => getComputedStyle(e).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")


async def test_the_map_svg_has_one_clickable_node_per_argument_of_the_topic(site, page):
    base, _ = site
    response = await page.goto(f"{base}/map/misuse")
    assert response.status == 200
    nodes = page.locator("svg.argmap a.node")
    ids = await nodes.evaluate_all("ns => ns.map(n => n.dataset.argumentId)")
    assert sorted(ids) == sorted(["misuse-bioweapons", "misuse-closed-keeps-bad-actors-out",
                                  "misuse-compute-checks-bad-actors", XSS_ID])
    assert await page.locator("svg.argmap path.edge").count() >= 2
    fill = await page.locator("svg.argmap a.node.side-closed rect").first.evaluate(
        "e => getComputedStyle(e).stroke")
    other = await page.locator("svg.argmap a.node.side-open rect").first.evaluate("e => getComputedStyle(e).stroke")
    assert fill != other  # the sides are told apart by colour
    await page.locator("svg.argmap a.node[data-argument-id='misuse-bioweapons']").click()
    await page.wait_for_url("**/arguments/misuse-bioweapons")
    assert "biological weapons" in (await page.locator("h1").inner_text())


async def test_a_debate_page_opens_with_its_signed_link_only(site, page):
    base, debate_id = site
    response = await page.goto(base + debate_url("", SECRET, debate_id))
    assert response.status == 200
    assert await page.locator("h1").inner_text() == MOTION  # the markup in the motion is text
    text = (await page.locator("main").inner_text()).lower()
    assert "2 participants" in text and not [w for w in PRIVATE_WORDS if w in text]
    assert await page.locator("main img").count() == 0 and page.dialogs == []
    for bad in (f"/debates/{debate_id}", debate_url("", "not-the-secret", debate_id),
                debate_url("", SECRET, debate_id, now=time.time() - 30 * 24 * 3600)):
        response = await page.goto(base + bad)
        assert response.status == 404
        assert MOTION not in await page.content()


async def test_markup_in_a_moderator_argument_is_text_and_runs_nothing(site, page):
    base, _ = site
    for path in (f"/arguments/{XSS_ID}", "/map/misuse", "/map"):
        response = await page.goto(base + path)
        assert response.status == 200
        assert await page.evaluate("document.scripts.length") == 0
        assert await page.locator("main img, main b").count() == 0
    await page.goto(f"{base}/arguments/{XSS_ID}")
    assert await page.locator("h1").inner_text() == XSS_CLAIM
    assert await page.title() != "pwned"
    hrefs = await page.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert not [h for h in hrefs if h and h.lower().startswith("javascript:")]
    await page.wait_for_timeout(200)  # give any stray handler the chance to fire
    assert page.dialogs == [] and page.errors == []


async def test_pages_follow_the_dark_colour_scheme(site, browser):
    base, _ = site
    colours = []
    for scheme in ("light", "dark"):
        context = await browser.new_context(color_scheme=scheme)
        opened = await context.new_page()
        await opened.goto(f"{base}/")
        colours.append(await opened.evaluate("getComputedStyle(document.body).backgroundColor"))
        await context.close()
    assert colours[0] != colours[1]
