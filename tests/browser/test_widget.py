"""The chat widget in a real browser: keyboard only, screen-reader semantics, failures, safety, and
axe-core with zero WCAG 2.2 AA violations in every state. Screenshots of the main states go to
docs/images/widget-*.png."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import EXIT_URL, Checked

pytestmark = pytest.mark.browser


def focused(page) -> dict:
    return page.evaluate("""() => { const e = document.activeElement; return {tag: e.tagName, id: e.id,
        cls: String(e.className), text: (e.textContent || '').trim(), inPanel: !!e.closest('#sc-panel')} }""")


def tab_to(page, predicate, limit: int = 40, reverse: bool = False) -> dict:
    key = "Shift+Tab" if reverse else "Tab"
    for _ in range(limit):
        page.keyboard.press(key)
        state = focused(page)
        if predicate(state):
            return state
    raise AssertionError(f"could not reach the control by {key}; last focus {focused(page)}")


def open_by_keyboard(page) -> None:
    tab_to(page, lambda f: "sc-launcher" in f["cls"])
    page.keyboard.press("Enter")
    page.wait_for_selector("#sc-panel:not([hidden])")


def type_and_send(page, text: str) -> None:
    page.keyboard.type(text)
    page.keyboard.press("Enter")


def bot_messages(page):
    return page.locator("#sc-log .sc-msg--bot")


def wait_for_bot_count(page, count: int) -> None:
    page.wait_for_function("(n) => document.querySelectorAll('#sc-log .sc-msg--bot').length >= n", arg=count)


def test_keyboard_conversation_with_quick_replies_cards_and_feedback(checked: Checked):
    page = checked.page
    checked.open_demo()
    checked.axe("closed")
    checked.shot("closed")
    launcher = page.locator(".sc-launcher")
    assert launcher.get_attribute("aria-expanded") == "false"

    open_by_keyboard(page)
    state = focused(page)
    assert state["inPanel"] and state["id"] == "sc-input", state
    log = page.locator("#sc-log")
    assert log.get_attribute("role") == "log" and log.get_attribute("aria-live") == "polite"
    assert page.locator(f"#{log.get_attribute('aria-labelledby')}").inner_text() == "Local Offer assistant"
    assert page.locator("label[for='sc-input']").inner_text() == "Type your question"
    checked.axe("open, empty")
    checked.shot("open")

    type_and_send(page, "hello")
    wait_for_bot_count(page, 2)
    quick = page.locator(".sc-button--quick")
    assert quick.count() == 3
    assert page.locator("#sc-input").input_value() == ""  # answered: the box is cleared
    checked.axe("conversation with quick replies")
    checked.shot("quick-replies")

    tab_to(page, lambda f: f["text"] == "What is an EHCP?", reverse=True)
    page.keyboard.press("Enter")
    wait_for_bot_count(page, 3)
    assert quick.first.is_disabled() and "You chose this" in quick.first.inner_text()
    assert all(quick.nth(i).is_disabled() for i in range(3))
    assert "An EHCP is a plan" in bot_messages(page).last.inner_text()
    assert checked.web.rasa.received[-1]["message"] == "/ask_ehcp"
    assert focused(page)["id"] == "sc-input"

    type_and_send(page, "is there a youth club for autistic teenagers")
    page.wait_for_selector(".sc-card")
    cards = page.locator(".sc-card")
    assert cards.count() == 2
    first = cards.first.inner_text()
    for expected in ("Aiming High: Alchemy", "Who it is for", "How to get it", "Last checked", "2025-05-01"):
        assert expected in first
    assert "No contact details recorded" in cards.nth(1).inner_text()
    checked.axe("result cards")

    yes = page.locator(".sc-feedback button", has_text="Yes").last
    yes.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelectorAll('.sc-feedback .sc-note').length >= 1")
    page.wait_for_timeout(200)
    assert {"answer_type": "service_cards", "helpful": True, "council": "sefton"} in checked.web.feedback

    page.keyboard.press("Escape")
    assert page.locator("#sc-panel").is_hidden()
    assert "sc-launcher" in focused(page)["cls"]
    assert launcher.get_attribute("aria-expanded") == "false"


def test_easy_read_mode(checked: Checked):
    page = checked.page
    checked.open_demo()
    open_by_keyboard(page)
    normal_size = page.evaluate(
        "() => parseFloat(getComputedStyle(document.querySelector('.sc-log')).fontSize)"
    )
    tab_to(page, lambda f: "sc-easy" in f["cls"], reverse=True)
    page.keyboard.press("Enter")
    assert page.locator(".sc-easy").get_attribute("aria-pressed") == "true"
    easy_size = page.evaluate(
        "() => parseFloat(getComputedStyle(document.querySelector('.sc-log')).fontSize)"
    )
    assert easy_size >= normal_size * 1.2
    assert page.locator("label[for='sc-input']").inner_text() == "Write your question here"
    page.locator("#sc-input").focus()
    type_and_send(page, "what is an ehcp")
    wait_for_bot_count(page, 2)
    assert checked.web.rasa.received[-1]["metadata"]["easy_read"] is True
    answer = bot_messages(page).last
    assert answer.locator("img.sc-icon").count() == 1
    assert answer.locator("img.sc-icon").get_attribute("alt") == ""
    assert answer.locator("button", has_text="Read aloud").count() == 1
    checked.axe("easy read")
    checked.shot("easy-read")
    page.reload()  # remembered for the session
    page.wait_for_selector("[data-module='send-chat'][data-send-chat-init]", state="attached")
    assert page.locator(".sc-easy").get_attribute("aria-pressed") == "true"


@pytest.mark.parametrize("mode", ["empty", "down"])
def test_rasa_failure_gives_sendiass_and_keeps_the_text_for_retry(checked: Checked, mode):
    page = checked.page
    checked.web.rasa.mode = mode
    checked.open_demo()
    open_by_keyboard(page)
    type_and_send(page, "how long is the wait for speech therapy")
    wait_for_bot_count(page, 2)
    answer = bot_messages(page).last.inner_text()
    assert "can't answer right now" in answer
    assert "Sefton SENDIASS" in answer and "Local Offer" in answer and "999" in answer
    assert page.locator("#sc-input").input_value() == "how long is the wait for speech therapy"
    checked.axe(f"rasa {mode}")
    if mode == "empty":
        checked.shot("fallback")
    checked.web.rasa.mode = "normal"
    page.locator(".sc-retry").click()
    page.wait_for_function("() => document.querySelector('#sc-input').value === ''")
    assert "18 weeks" in bot_messages(page).last.inner_text()
    assert page.locator(".sc-retry").count() == 0


def test_web_app_unreachable_shows_offline_help(checked: Checked):
    page = checked.page
    checked.open_demo()
    open_by_keyboard(page)  # fetches and keeps the council help card for the session
    page.wait_for_function("() => Object.keys(sessionStorage).some(k => k.startsWith('sendChat:help:'))")
    page.route("**/api/chat", lambda route: route.abort("connectionrefused"))
    type_and_send(page, "what is an ehcp")
    page.wait_for_selector(".sc-msg--error")
    text = page.locator(".sc-msg--error").inner_text()
    assert "can't reach the assistant" in text and "Sefton SENDIASS" in text and "Local Offer" in text
    assert page.locator("#sc-input").input_value() == "what is an ehcp"
    checked.axe("offline")
    checked.shot("offline")


def test_get_help_now_shows_emergency_contacts(checked: Checked):
    page = checked.page
    checked.open_demo()
    open_by_keyboard(page)
    tab_to(page, lambda f: f["text"] == "Get help now", reverse=True)
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "sc-help-title"
    help_text = page.locator("#sc-help").inner_text()
    for number in ("999", "0800 1111", "116 123"):
        assert number in help_text
    assert page.locator("#sc-help a[href='tel:999']").count() == 1
    checked.axe("get help now")
    checked.shot("help")


def test_risk_message_puts_emergency_contacts_first(checked: Checked):
    page = checked.page
    checked.web.rasa.mode = "down"
    checked.open_demo()
    open_by_keyboard(page)
    type_and_send(page, "I want to kill myself")
    page.wait_for_selector(".sc-msg--urgent")
    first_reply = page.locator("#sc-log .sc-msg--bot").nth(1)
    assert "sc-msg--urgent" in first_reply.get_attribute("class")
    assert "999" in first_reply.inner_text()
    checked.axe("risk of harm")


def test_quick_exit_clears_the_chat_and_leaves(checked: Checked):
    page = checked.page
    checked.open_demo()
    open_by_keyboard(page)
    type_and_send(page, "hello")
    wait_for_bot_count(page, 2)
    assert page.evaluate("() => sessionStorage.length") > 0
    with page.expect_navigation(url=re.compile(r"bbc\.co\.uk/weather")):
        page.locator(".sc-exit").click()
    page.goto(checked.web.url + "/")
    assert page.evaluate("() => Object.keys(sessionStorage).filter(k => k.startsWith('sendChat'))") == []
    page.wait_for_selector(".sc-launcher")
    page.locator(".sc-launcher").click()
    assert bot_messages(page).count() == 1  # only the introduction

    type_and_send(page, "hello")
    wait_for_bot_count(page, 2)
    page.locator("#sc-input").focus()  # Shift three times works wherever focus is, the text box included
    with page.expect_navigation(url=re.compile(r"bbc\.co\.uk/weather")):
        for _ in range(3):
            page.keyboard.press("Shift")


def test_conversation_survives_navigation_in_session_storage_only(checked: Checked):
    page = checked.page
    checked.open_demo()
    open_by_keyboard(page)
    type_and_send(page, "what is an ehcp")
    wait_for_bot_count(page, 2)
    page.goto(checked.web.url + "/about-the-local-offer")
    page.wait_for_selector("#sc-panel:not([hidden])")
    assert "An EHCP is a plan" in page.locator("#sc-log").inner_text()
    assert page.evaluate("() => localStorage.length") == 0
    sender_before = checked.web.rasa.received[-1]["sender"]
    page.locator("#sc-input").fill("hello")
    page.locator(".sc-send").click()
    wait_for_bot_count(page, 3)
    assert checked.web.rasa.received[-1]["sender"] == sender_before
    page.locator(".sc-restart").click()
    assert bot_messages(page).count() == 1
    assert "An EHCP is a plan" not in page.locator("#sc-log").inner_text()
    page.locator("#sc-input").fill("hello")
    page.locator(".sc-send").click()
    wait_for_bot_count(page, 2)
    assert checked.web.rasa.received[-1]["sender"] != sender_before


def test_xss_in_bot_text_never_runs(checked: Checked):
    page = checked.page
    checked.open_demo()
    open_by_keyboard(page)
    type_and_send(page, "xss please")
    wait_for_bot_count(page, 2)
    page.wait_for_timeout(300)
    answer = bot_messages(page).last
    assert answer.locator("img, script").count() == 0
    assert page.locator("#sc-panel script, #sc-panel img[src='x']").count() == 0
    assert page.locator("a[href^='javascript']").count() == 0
    assert "<img src=x onerror=alert(1)>" in answer.inner_text()  # shown as text
    assert (
        answer.locator("a[href='https://www.seftondirectory.com/']")
        .inner_text()
        .startswith("Sefton Local Offer")
    )
    assert checked.dialogs == []


@pytest.mark.parametrize("viewport", [{"width": 320, "height": 640}, {"width": 320, "height": 256}])
def test_small_screen_and_400_percent_zoom(make_page, viewport):
    checked = make_page(viewport=viewport)
    page = checked.page
    checked.open_demo()
    open_by_keyboard(page)
    type_and_send(page, "hello")
    wait_for_bot_count(page, 2)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= viewport["width"]
    box = page.locator("#sc-panel").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"] + 1
    tab_to(page, lambda f: f["text"] == "What is an EHCP?", reverse=True)
    page.keyboard.press("Enter")
    wait_for_bot_count(page, 3)
    checked.axe(f"small screen {viewport}")
    page.keyboard.press("Escape")
    assert "sc-launcher" in focused(page)["cls"]


def test_reduced_motion_removes_animation(make_page):
    checked = make_page(reduced_motion="reduce")
    page = checked.page
    checked.open_demo()
    page.locator(".sc-launcher").click()
    page.evaluate("() => document.querySelector('.sc').classList.add('sc--typing')")
    name = page.evaluate(
        "() => getComputedStyle(document.querySelector('.sc-status'), '::after').animationName"
    )
    assert name == "none"
    normal = make_page()
    normal.open_demo()
    normal.page.locator(".sc-launcher").click()
    normal.page.evaluate("() => document.querySelector('.sc').classList.add('sc--typing')")
    assert (
        normal.page.evaluate(
            "() => getComputedStyle(document.querySelector('.sc-status'), '::after').animationName"
        )
        == "sc-pulse"
    )


def test_widget_assets_and_csp(checked: Checked):
    page = checked.page
    response = page.goto(checked.web.url + "/")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert page.request.get(checked.web.url + "/widget/../directory/settings.py").status == 404
    js = page.request.get(checked.web.url + "/widget/send-chat.js")
    assert js.status == 200 and "javascript" in js.headers["content-type"]
    assert page.locator("[style]").count() == 0 and page.locator("script:not([src])").count() == 0
    knowsley = page.goto(checked.web.url + "/?council=knowsley")
    assert knowsley.ok and "Knowsley" in page.locator("h1").inner_text()
    assert page.locator("script[data-council='knowsley']").count() == 1
    assert EXIT_URL in page.locator("script[data-exit-url]").get_attribute("data-exit-url")


def test_the_axe_check_itself_can_fail(checked: Checked):
    """Guards the harness: a page with an unlabelled control must make `axe()` fail."""
    page = checked.page
    checked.open_demo()
    page.evaluate(
        "() => { const b = document.createElement('button'); document.querySelector('main').append(b) }"
    )
    with pytest.raises(AssertionError, match="button-name"):
        checked.axe("deliberately broken")
