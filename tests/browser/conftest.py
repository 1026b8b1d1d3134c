"""Browser tests: Debian's chromium through Playwright, the real web app under uvicorn on a free port,
a fake Rasa (tests/directory/fake_rasa.py), a throw-away SQLite database and axe-core 4.14.1 (vendored,
see vendor/README.md)."""

from __future__ import annotations

import json
import shutil
import threading
import time
from pathlib import Path

import pytest

from scripts.stack import free_port
from tests.directory.fake_rasa import FakeRasa

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
DATA = Path(__file__).resolve().parents[2] / "directory" / "data"
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
DOCS_IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"
EXIT_URL = "https://www.bbc.co.uk/weather"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


class WebApp:
    def __init__(self, url: str, rasa: FakeRasa, database) -> None:
        self.url = url
        self.rasa = rasa
        self.database = database

    @property
    def feedback(self) -> list[dict]:
        """What the feedback store holds (the core's POST /api/feedback writes it)."""
        from sqlalchemy import select

        from directory.product_models import Feedback

        with self.database.session() as session:
            return [
                {"answer_type": f.answer_type, "helpful": f.helpful, "council": f.council}
                for f in session.scalars(select(Feedback))
            ]


@pytest.fixture(scope="session")
def web(tmp_path_factory):
    """The real app (`create_app`) with the curated data loaded into a throw-away SQLite database, a fake
    embedder
    (search is not under test here) and a fake Rasa."""
    import uvicorn

    from directory.app import create_app
    from directory.db import Database
    from directory.loader import migrate_and_load
    from directory.search.embedder import FakeEmbedder
    from directory.settings import load_settings

    rasa = FakeRasa().start()
    tmp = tmp_path_factory.mktemp("web")
    port = free_port()
    # Only the data these tests read (both councils, Sefton's entries): the rest is other parts' work.
    data_dir = tmp / "data"
    (data_dir / "services").mkdir(parents=True)
    shutil.copy(DATA / "councils.yaml", data_dir / "councils.yaml")
    shutil.copy(DATA / "services" / "sefton.yaml", data_dir / "services" / "sefton.yaml")
    settings = load_settings(
        {
            "SEND_ENV": "test",
            "DATABASE_URL": f"sqlite:///{tmp / 'directory.db'}",
            "SEND_INDEX_DIR": str(tmp / "index"),
            "SEND_DATA_DIR": str(data_dir),
            "SEND_RASA_URL": rasa.url,
            "SEND_CHAT_TIMEOUT": "2",
            "SEND_RATE_LIMIT_PER_MINUTE": "1000",
            "SEND_PUBLIC_ORIGIN": f"http://127.0.0.1:{port}",
            "SEND_QUICK_EXIT_URL": EXIT_URL,
        }
    )
    database = Database(settings.database_url)
    try:
        migrate_and_load(database, settings.data_dir)
    except Exception as error:  # noqa: BLE001 - say plainly which part broke
        rasa.stop()
        pytest.fail(f"the directory data did not load, so the demo page has no help card: {error!r:.300}")
    app = create_app(settings, embedder=FakeEmbedder(), database=database)
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the web app did not start")
        time.sleep(0.05)
    yield WebApp(f"http://127.0.0.1:{port}", rasa, database)
    server.should_exit = True
    thread.join(timeout=10)
    rasa.stop()
    database.dispose()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make setup-test` (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield chromium
        chromium.close()


class Checked:
    """A page plus what must never happen on it: a dialog (XSS) or a Content-Security-Policy violation."""

    def __init__(self, page, web: WebApp) -> None:
        self.page = page
        self.web = web
        self.dialogs: list[str] = []
        self.csp_violations: list[str] = []
        page.on("dialog", self._dialog)
        page.on("console", self._console)
        page.route(
            EXIT_URL + "*",
            lambda route: route.fulfill(
                status=200,
                content_type="text/html",
                body="<!DOCTYPE html><title>Weather</title><h1>Weather</h1>",
            ),
        )

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            self.csp_violations.append(message.text)

    def open_demo(self, path: str = "/") -> None:
        self.page.goto(self.web.url + path)
        self.page.wait_for_selector("[data-module='send-chat'][data-send-chat-init]", state="attached")

    def axe(self, state: str) -> None:
        """Runs axe-core on the whole page; fails with the violations listed."""
        if not self.page.evaluate("() => typeof window.axe !== 'undefined'"):
            self.page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
        result = self.page.evaluate(
            "async (tags) => { const r = await axe.run(document, {runOnly: {type: 'tag', values: tags},"
            " resultTypes: ['violations']}); return r.violations.map(v => ({id: v.id, impact: v.impact,"
            " help: v.help, nodes: v.nodes.slice(0, 3)"
            ".map(n => n.target.join(' ') + ': ' + n.failureSummary)}))}",
            AXE_TAGS,
        )
        assert result == [], f"axe violations in state '{state}':\n" + json.dumps(result, indent=2)

    def shot(self, name: str) -> None:
        DOCS_IMAGES.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(DOCS_IMAGES / f"widget-{name}.png"))


@pytest.fixture
def make_page(browser, web):
    made: list[tuple] = []

    def make(**options) -> Checked:
        context = browser.new_context(**{"viewport": {"width": 390, "height": 844}, **options})
        context.set_default_timeout(8000)
        checked = Checked(context.new_page(), web)
        made.append((context, checked))
        return checked

    web.rasa.mode = "normal"
    yield make
    web.rasa.mode = "normal"
    for context, _ in made:
        context.close()
    for _, checked in made:
        assert checked.dialogs == [], f"a dialog opened: {checked.dialogs}"
        assert checked.csp_violations == [], f"Content-Security-Policy violations: {checked.csp_violations}"


@pytest.fixture
def checked(make_page) -> Checked:
    return make_page()
