"""`make site`: every lesson as a static page with its committed outputs, in course order.

The structure checks always run; the browser test serves the site on localhost with the
network cut, opens the index, follows each lesson link and checks every page shows its plots
and, where a course widget was displayed, the widget's snapshot (issue 19).
"""

from pathlib import Path

import nbformat
import pytest
from background import Job
from browser_support import (
    NOTEBOOKS,
    SCREENSHOTS,
    build_web_job,
    cut_network,
    external_loads,
    launch_chromium,
    png_outputs,
    require_chromium,
    serve_directory,
)

from helpers.lessons import LESSONS
from helpers.widget import SNAPSHOT_CLASS

NOTEBOOK_PATHS = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
WIDGET_LESSONS = {lesson.notebook: lesson.widget for lesson in LESSONS if lesson.widget}


def widget_outputs(nb) -> int:
    return sum(
        "application/vnd.jupyter.widget-view+json" in output.get("data", {})
        for cell in nb.cells
        if cell.cell_type == "code"
        for output in cell.outputs
    )


def course_widget_outputs(nb, widget: str) -> list:
    """The outputs of cells that display the lesson's course widget (by its class name)."""
    return [
        output
        for cell in nb.cells
        if cell.cell_type == "code" and widget in cell.source
        for output in cell.outputs
        if "application/vnd.jupyter.widget-view+json" in output.get("data", {})
    ]


def has_math(nb) -> bool:
    return any(cell.cell_type == "markdown" and "$" in cell.source for cell in nb.cells)


def background_jobs(workdir: Path, items) -> dict[str, Job]:
    return {"site": build_web_job("site", workdir / "site")}


@pytest.fixture(scope="module")
def site(background) -> Path:
    """The site, built by `tools/build_web.py site` (in the background from the run's start)."""
    done = background("site")
    assert done.returncode == 0, done.tail()
    return done.out


def test_site_has_every_lesson_in_course_order(site):
    index = (site / "index.html").read_text(encoding="utf-8")
    positions = [index.find(f'href="{path.stem}.html"') for path in NOTEBOOK_PATHS]
    assert all(p >= 0 for p in positions), "a lesson is missing from the index"
    assert positions == sorted(positions), "the index is not in course order"
    for path in NOTEBOOK_PATHS:
        page = site / f"{path.stem}.html"
        assert page.exists()
        assert (site / "slides" / f"{path.stem}.slides.html").exists()
        assert external_loads(page) == [], f"{page.name} loads files from the internet"
        body = page.read_text(encoding="utf-8")
        assert '.ipynb"' not in body.replace(f'{path.name}"', ""), (
            "a link still points at a notebook"
        )


@pytest.mark.parametrize("stem", sorted(WIDGET_LESSONS))
def test_each_course_widget_shows_its_snapshot_on_its_page(site, stem):
    nb = nbformat.read(NOTEBOOKS / f"{stem}.ipynb", as_version=4)
    outputs = course_widget_outputs(nb, WIDGET_LESSONS[stem])
    assert outputs, f"{stem} displays no {WIDGET_LESSONS[stem]}"
    if any(o["data"]["text/plain"].startswith("VBox(") for o in outputs):
        pytest.xfail(f"{stem} was recorded before widget snapshots: `make notebooks` re-records it")
    body = (site / f"{stem}.html").read_text(encoding="utf-8")
    assert body.count(f'class="{SNAPSHOT_CLASS}') == len(outputs)
    assert "VBox(children" not in body
    slides = (site / "slides" / f"{stem}.slides.html").read_text(encoding="utf-8")
    # On a slide a tall snapshot is cut into pieces (tools/slide_snapshots.py), each in the
    # snapshot's frame; the sentence naming the live notebook comes once, on the last piece.
    assert slides.count(f'class="{SNAPSHOT_CLASS}') >= len(outputs)
    assert slides.count('class="course-widget-note') == len(outputs)


@pytest.mark.browser
def test_site_pages_show_their_plots_with_the_network_cut(site):
    from playwright.sync_api import sync_playwright

    chromium = require_chromium()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with serve_directory(site) as base, sync_playwright() as playwright:
        browser = launch_chromium(playwright, chromium)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        blocked = cut_network(page)
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{base}/index.html")
        links = page.locator("a.lesson")
        assert links.count() == len(NOTEBOOK_PATHS)
        hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
        assert hrefs == [f"{p.stem}.html" for p in NOTEBOOK_PATHS]
        for path, href in zip(NOTEBOOK_PATHS, hrefs, strict=True):
            page.goto(f"{base}/index.html")
            page.click(f'a.lesson[href="{href}"]')
            page.wait_for_load_state("load")
            assert page.url.endswith(href)
            nb = nbformat.read(path, as_version=4)
            images = page.evaluate(
                "() => Array.from(document.querySelectorAll('main img'))"
                ".map(img => img.complete && img.naturalWidth > 0)"
            )
            assert len(images) >= png_outputs(nb) and all(images), f"{href}: plots not shown"
            snapshots = page.locator(f"main .{SNAPSHOT_CLASS}")
            if snapshots.count():  # recorded with snapshots: the picture replaces the widget
                snapshots.first.scroll_into_view_if_needed()
                page.screenshot(path=SCREENSHOTS / f"site-{path.stem}-widget.png")
            notes = page.locator(".course-widget-note").count()
            assert notes == widget_outputs(nb), f"{href}: each live widget needs its sentence"
            if has_math(nb):
                page.wait_for_selector(".katex", timeout=10_000)
                assert page.locator(".katex-error").count() == 0, f"{href}: math failed to render"
            first_plot = page.locator("main img").first
            if png_outputs(nb):
                first_plot.scroll_into_view_if_needed()
            page.screenshot(path=SCREENSHOTS / f"site-{path.stem}.png")
        browser.close()
    assert blocked == [], f"the site tried to reach the internet: {blocked}"
    assert errors == [], f"JavaScript errors on the site: {errors}"


def test_every_relative_link_on_the_site_resolves(site):
    """No link or file reference on any page (slides included) points at a missing file."""
    import re

    missing = []
    for page in sorted(site.rglob("*.html")):
        for url in re.findall(r'(?:href|src)="([^"]+)"', page.read_text(encoding="utf-8")):
            if re.match(r"([a-z]+:|#|//)", url):
                continue
            target = (page.parent / url.split("#")[0].split("?")[0]).resolve()
            if not target.exists():
                missing.append(f"{page.relative_to(site)} -> {url}")
    assert not missing, f"broken links: {missing[:10]}"
