"""The widget in Debian's chromium against the real stack (web app, Rasa with the trained model, action
server, real search): a directory answer arrives as service cards, shown once, with zero axe-core
violations. Writes docs/images/widget-cards.png (the README's picture of the widget answering)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from scripts.throwaway_stack import MODEL, launch
from tests.browser.conftest import Checked
from tests.e2e.conftest import RunningStack

pytestmark = [pytest.mark.browser, pytest.mark.e2e]
QUESTION = "is there a youth club for autistic teenagers"


@pytest.fixture(scope="module")
def real_stack(tmp_path_factory):
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` (make test does it) first")
    running = launch(tmp_path_factory.mktemp("real-stack"), RunningStack)
    yield running
    running.stop()


@pytest.fixture
def page_on_stack(browser, real_stack):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    context.set_default_timeout(30000)  # the first turn of a fresh Rasa server takes a few seconds
    # The web app's own origin (SEND_PUBLIC_ORIGIN defaults to http://localhost:<port>).
    checked = Checked(context.new_page(), SimpleNamespace(url=f"http://localhost:{real_stack.web_port}"))
    yield checked
    context.close()
    assert checked.dialogs == [] and checked.csp_violations == [], (checked.dialogs, checked.csp_violations)


def test_a_real_directory_answer_is_shown_as_cards_once(page_on_stack: Checked):
    checked = page_on_stack
    page = checked.page
    checked.open_demo()
    page.locator(".sc-launcher").click()
    page.wait_for_selector("#sc-panel:not([hidden])")
    page.locator("#sc-input").fill(QUESTION)
    page.keyboard.press("Enter")
    page.wait_for_selector(".sc-card")
    cards = page.locator(".sc-card")
    assert 1 <= cards.count() <= 5
    names = [cards.nth(i).locator("h3").inner_text() for i in range(cards.count())]
    assert any("Alchemy" in n or "Phoenix" in n for n in names), names
    first = cards.first.inner_text()
    for label in ("Who it is for", "How to get it", "Last checked"):
        assert label in first, first
    # The list is shown once: no bot bubble repeats an entry as text outside the cards.
    outside = page.evaluate(
        """() => [...document.querySelectorAll('#sc-log .sc-msg--bot')]
             .filter(m => !m.querySelector('.sc-card')).map(m => m.innerText).join('\\n')"""
    )
    assert "How to get it" not in outside and "Local Offer" in outside, outside
    assert all(n not in outside for n in names), outside
    checked.axe("real directory answer with cards")
    checked.shot("cards")
