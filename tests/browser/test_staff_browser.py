"""The staff area in Debian's chromium: sign in, create and publish an entry, edit it, see the change in the
families' search, and axe-core (WCAG 2.2 AA tags) on EVERY staff page with zero violations.

Uses the shared `web` (real app under uvicorn, curated data, FakeEmbedder) and `browser` fixtures."""

from __future__ import annotations

import json
import re
import urllib.parse
import urllib.request

import pytest

from tests.browser.conftest import DOCS_IMAGES, Checked

pytestmark = pytest.mark.browser

EMAIL = "browser-admin@sefton.example.gov.uk"
PASSWORD = "willow quartz lantern harbour"
NAME = "Otterspool Sensory Swim"
NEW_NAME = "Otterspool Sensory Swim and Splash"


def staff_get_pages() -> list[str]:
    """Every GET page under /staff (path templates), from the app's own routes: a new page is checked too."""
    from fastapi.routing import iter_route_contexts

    from directory.app import create_app
    from directory.settings import load_settings

    app = create_app(load_settings({"SEND_ENV": "test"}))
    paths = set()
    for route in iter_route_contexts(app.routes):
        path = route.path or ""
        if getattr(route, "dependant", None) and "GET" in (route.methods or ()) and path.startswith("/staff"):
            if not path.endswith((".csv", ".json")):
                paths.add(path)
    return sorted(paths)


def families_search(base: str, query: str) -> list[str]:
    url = f"{base}/api/services?" + urllib.parse.urlencode({"search": query})
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback)
        return [s["name"] for s in json.loads(response.read())["contents"]]


def shot(page, name: str) -> None:
    DOCS_IMAGES.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(DOCS_IMAGES / f"staff-{name}.png"), full_page=False)


@pytest.fixture
def staff_page(make_page, web) -> Checked:
    from directory.cli_staff import create_staff
    from directory.settings import load_settings
    from directory.staff.accounts import AccountError

    try:
        create_staff(
            load_settings({"SEND_ENV": "test", "DATABASE_URL": web.database.url}),
            email=EMAIL,
            role="admin",
            password=PASSWORD,
        )
    except AccountError:
        pass  # created by an earlier test in this session
    return make_page(viewport={"width": 1280, "height": 900})


def sign_in(checked: Checked) -> None:
    page = checked.page
    page.goto(checked.web.url + "/staff")
    assert "/staff/sign-in" in page.url
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(checked.web.url + "/staff")


def test_sign_in_create_publish_edit_and_see_it_in_the_families_search(staff_page):
    page, base = staff_page.page, staff_page.web.url
    page.goto(base + "/staff/sign-in")
    shot(page, "sign-in")
    sign_in(staff_page)
    # create a draft: first without the required fields, so the error summary shows
    page.goto(base + "/staff/services/new")
    page.get_by_role("button", name="Save as draft").click()
    summary = page.locator(".staff-error-summary")
    assert "Enter the name of the service" in summary.inner_text()
    shot(page, "errors")
    summary.get_by_role("link", name="Enter the name of the service").click()
    assert page.evaluate("document.activeElement.id") == "name"
    page.get_by_label("Name", exact=True).fill(NAME)
    page.get_by_label("What the service does").fill(
        "Quiet swimming sessions for children with sensory needs."
    )
    page.get_by_label("Leisure").check()
    page.get_by_label("Who it is for").fill("Children aged 4 to 16 with sensory needs who live in Sefton.")
    page.get_by_label("How to get it").fill("Book a place with the leisure centre.")
    page.get_by_label("Areas covered").fill("Sefton")
    page.get_by_label("Assured date").fill(__import__("datetime").date.today().isoformat())
    page.get_by_label("Easy read summary").fill("You can swim here. It is quiet. Ask us for a place.")
    page.wait_for_selector("#easy_read-readability.staff-readability--ok")  # the live check (JavaScript)
    page.get_by_role("button", name="Save as draft").click()
    assert "The entry is created as a draft." in page.inner_text(".staff-notification-banner")
    service_id = re.search(r"/staff/services/([0-9a-f-]{36})", page.url).group(1)
    page.get_by_role("button", name="Publish").click()
    assert "The entry is published" in page.inner_text(".staff-notification-banner")
    assert NAME in families_search(base, "Otterspool sensory swim")
    # edit it: the change reaches the families' search at once
    page.get_by_role("button", name="Edit entry").click()
    page.get_by_label("Name", exact=True).fill(NEW_NAME)
    shot(page, "edit")
    page.get_by_role("button", name="Save changes").click()
    assert "Your changes are saved" in page.inner_text(".staff-notification-banner")
    assert families_search(base, "Otterspool Sensory Swim and Splash")[0] == NEW_NAME
    page.goto(f"{base}/staff/services/{service_id}/history")
    assert "Otterspool Sensory Swim and Splash" in page.inner_text("main")
    shot(page, "history")


def test_axe_finds_no_violations_on_any_staff_page(staff_page):
    page, base = staff_page.page, staff_page.web.url
    # a comment to moderate and an entry with history, so every page has something to show
    request = urllib.request.Request(
        base + "/api/comments",
        method="POST",
        headers={"Content-Type": "application/json"},
        data=json.dumps({"council": "sefton", "text": "Please list more youth clubs."}).encode(),
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback)
        comment_id = json.loads(response.read())["id"]
    page.goto(base + "/staff/sign-in")
    staff_page.axe("sign-in")
    sign_in(staff_page)
    page.goto(base + "/staff/services?status=published")
    service_id = re.search(
        r"/staff/services/([0-9a-f-]{36})", page.locator("main table a").first.get_attribute("href")
    ).group(1)
    page.goto(f"{base}/staff/services/{service_id}")
    page.get_by_role("button", name="Mark as reviewed").click()  # gives the entry a history entry
    page.goto(f"{base}/staff/services/{service_id}/history")
    event_id = page.locator("main a[href*='/history/']").first.get_attribute("href").rsplit("/", 1)[1]
    ids = {"service_id": service_id, "event_id": event_id, "comment_id": comment_id}
    checked = []
    for template in staff_get_pages():
        if template == "/staff/sign-in":
            continue
        path = re.sub(r"\{(\w+)\}", lambda m: ids[m.group(1)], template)
        response = page.goto(base + path)
        assert response.status == 200, (path, response.status)
        staff_page.axe(path)
        checked.append(path)
    # states with errors, conflicts and reports
    page.goto(base + "/staff/services/new")
    page.get_by_role("button", name="Save as draft").click()
    staff_page.axe("new entry with errors")
    page.goto(base + "/staff/waiting-times")
    page.get_by_role("button", name="Add figure").click()
    staff_page.axe("waiting times with errors")
    page.goto(base + "/staff/import")
    page.get_by_role("button", name="Check and import").click()
    staff_page.axe("import with errors")
    for public in ("/comment-on-the-local-offer", "/you-said-we-did"):
        page.goto(base + public)
        staff_page.axe(public)
    page.goto(base + "/staff/review")
    shot(page, "review")
    page.goto(base + "/staff/gaps")
    shot(page, "gaps")
    assert len(checked) >= 14, checked
