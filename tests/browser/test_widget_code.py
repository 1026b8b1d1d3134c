"""The widget's code without a page: size budget, the sanitiser's allow-list (in the browser, on real DOM),
and habits that must not creep in (innerHTML, localStorage, inline styles, CDNs)."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest

from tests.browser.conftest import Checked

pytestmark = pytest.mark.browser
WIDGET = Path(__file__).resolve().parents[2] / "web_widget"


def test_widget_is_under_30_kb_compressed():
    files = [p for p in WIDGET.rglob("*") if p.is_file() and p.suffix in {".js", ".css", ".svg"}]
    total = sum(len(gzip.compress(p.read_bytes(), 9)) for p in files)
    assert {p.name for p in files} >= {"send-chat.js", "strings.js", "sanitize.js", "send-chat.css"}
    assert total < 30 * 1024, total


@pytest.mark.parametrize("name", ["send-chat.js", "sanitize.js", "strings.js"])
def test_no_html_injection_storage_or_outside_code(name):
    source = (WIDGET / name).read_text(encoding="utf-8")
    code = "\n".join(line for line in source.splitlines() if not line.strip().startswith("//"))
    for forbidden in (
        "innerHTML",
        "outerHTML",
        "insertAdjacentHTML",
        "document.write",
        "localStorage",
        "eval(",
        "new Function",
        ".style.",
    ):
        assert forbidden not in code, f"{name} uses {forbidden}"
    imports = re.findall(r"^import .* from '([^']+)'", code, flags=re.MULTILINE)
    assert all(path.startswith("./") for path in imports), imports
    assert "fetch('http" not in code and 'fetch("http' not in code


CASES = [
    ("<img src=x onerror=alert(1)>", [], "<img src=x onerror=alert(1)>"),
    ("[x](javascript:alert(1))", [], "x"),
    ("[x](data:text/html,<script>alert(1)</script>)", [], None),
    ("[x](  javascript:alert(1))", [], "[x](  javascript:alert(1))"),
    (
        "see https://www.example.org/a?b=1.",
        ["https://www.example.org/a?b=1"],
        "see https://www.example.org/a?b=1.",
    ),
    ("[Local Offer](https://www.seftondirectory.com/x) now", ["https://www.seftondirectory.com/x"], None),
    ("call [0800 1111](tel:08001111)", ["tel:08001111"], "call 0800 1111"),
    ("http://insecure.example", [], "http://insecure.example"),
    ("**bold** <b>b</b>", [], "**bold** <b>b</b>"),
]


def test_sanitiser_allows_only_text_and_safe_links(checked: Checked):
    page = checked.page
    checked.open_demo()
    results = page.evaluate(
        """async (texts) => {
            const { renderText } = await import('/widget/sanitize.js')
            return texts.map((text) => {
                const box = document.createElement('div')
                box.append(renderText(text))
                const all = [...box.querySelectorAll('*')]
                return { tags: all.map(e => e.tagName), text: box.textContent,
                         hrefs: [...box.querySelectorAll('a')].map(a => a.getAttribute('href')),
                         attrs: all.flatMap(e => [...e.attributes].map(a => a.name)) }
            })
        }""",
        [case[0] for case in CASES],
    )
    for (text, hrefs, shown), result in zip(CASES, results, strict=True):
        assert set(result["tags"]) <= {"P", "BR", "A", "SPAN"}, text
        assert set(result["attrs"]) <= {"href", "target", "rel", "class"}, text
        assert [h.rstrip("/") for h in result["hrefs"]] == [h.rstrip("/") for h in hrefs], text
        if shown is not None:
            assert result["text"].replace(" (opens in a new tab)", "") == shown, text
