"""Every lesson can be presented as slides, offline.

The metadata and no-CDN checks are quick and always run; the browser test opens one lesson's
slides in headless Chromium with the network cut and checks its plots are shown.
"""

import re
from pathlib import Path

import nbformat
import pytest
from browser_support import (
    NOTEBOOKS,
    SCREENSHOTS,
    build_web,
    cut_network,
    external_loads,
    launch_chromium,
    png_outputs,
    require_chromium,
)

NOTEBOOK_PATHS = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
SLIDE_TYPES = {"slide", "subslide", "fragment", "skip", "notes", "-"}


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=lambda p: p.stem)
def test_every_cell_has_slide_metadata(path):
    """Each cell says how it is shown; each heading opens a slide, so one idea is one slide."""
    nb = nbformat.read(path, as_version=4)
    missing = [
        i
        for i, cell in enumerate(nb.cells)
        if "slide_type" not in cell.metadata.get("slideshow", {})
    ]
    assert not missing, (
        f"{path.name}: cells without slideshow metadata: {missing} (run make notebooks)"
    )
    bad = {
        i: cell.metadata.slideshow.slide_type
        for i, cell in enumerate(nb.cells)
        if cell.metadata.slideshow.slide_type not in SLIDE_TYPES
    }
    assert not bad, f"{path.name}: unknown slide types {bad}"
    assert nb.cells[0].metadata.slideshow.slide_type == "slide"
    headings_not_slides = [
        cell.source.splitlines()[0]
        for cell in nb.cells
        if cell.cell_type == "markdown"
        and re.match(r"#{1,3} ", cell.source.lstrip())
        and cell.metadata.slideshow.slide_type not in {"slide", "subslide"}
    ]
    assert not headings_not_slides, f"{path.name}: headings that don't start a slide"


@pytest.fixture(scope="module")
def slides(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("slides")
    build_web("slides", out)
    return out


def test_make_slides_builds_every_lesson_without_a_cdn(slides):
    for path in NOTEBOOK_PATHS:
        page = slides / f"{path.stem}.slides.html"
        assert page.exists(), f"no slides for {path.name}"
        assert external_loads(page) == [], f"{page.name} loads files from the internet"
        assert "Reveal.initialize" in page.read_text(encoding="utf-8")
    for asset in ["reveal.js/dist/reveal.js", "reveal.js/dist/reveal.css", "katex/katex.min.js"]:
        assert (slides / "assets" / asset).exists()
    assert external_loads(slides / "index.html") == []


def lesson_with_most_plots() -> Path:
    return max(NOTEBOOK_PATHS, key=lambda p: (png_outputs(nbformat.read(p, as_version=4)), p.name))


@pytest.mark.browser
def test_slides_show_their_plots_with_the_network_cut(slides):
    from playwright.sync_api import sync_playwright

    chromium = require_chromium()
    path = lesson_with_most_plots()
    expected = png_outputs(nbformat.read(path, as_version=4))
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright, chromium)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        blocked = cut_network(page)
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto((slides / f"{path.stem}.slides.html").as_uri(), wait_until="load")
        page.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=30_000)
        images = page.evaluate(
            "() => Array.from(document.querySelectorAll('.reveal img'))"
            ".map(img => img.complete && img.naturalWidth > 0)"
        )
        assert len(images) >= expected and all(images), f"{path.name}: plots not shown {images}"
        assert page.evaluate("() => Reveal.getTotalSlides()") > 3
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"slides-{path.stem}-title.png")
        if expected:  # go to the first slide with a plot, scroll to it if the slide is tall
            page.evaluate(
                "() => { const s = document.querySelector('.reveal img').closest('section');"
                " Reveal.slide(...Object.values(Reveal.getIndices(s))); }"
            )
            page.wait_for_timeout(800)  # the slide transition
            page.evaluate("() => document.querySelector('.reveal img').scrollIntoView()")
            page.wait_for_timeout(200)
            box = page.locator(".reveal img").first.bounding_box()
            assert box and box["height"] > 100, "the plot is not drawn at a readable size"
            assert 0 <= box["y"] and box["y"] + box["height"] <= 800 + 1, "the plot is off screen"
            page.screenshot(path=SCREENSHOTS / f"slides-{path.stem}-plot.png")
        browser.close()
    assert blocked == [], f"the slides tried to reach the internet: {blocked}"
    assert errors == [], f"JavaScript errors in the slides: {errors}"


def test_presentation_mode_enlarges_widget_text_and_plots(monkeypatch):
    """presentation_mode() shows a style sheet for widget text (Presentation Mode leaves it small)."""
    import matplotlib as mpl

    from helpers import presentation_mode
    from helpers import style as plotting
    from helpers.style import WIDGET_PRESENTATION_CSS

    shown = []
    monkeypatch.setattr(plotting, "display", lambda *objs: shown.extend(objs))
    try:
        presentation_mode()
        assert mpl.rcParams["font.size"] >= 16
        assert [obj.data for obj in shown] == [WIDGET_PRESENTATION_CSS]
        assert "--jp-widgets-font-size: 20px" in WIDGET_PRESENTATION_CSS
        presentation_mode(False)
        assert len(shown) == 1, "turning it off shows nothing new"
        assert mpl.rcParams["font.size"] == 11
    finally:
        presentation_mode(False)
