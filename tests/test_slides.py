"""Every lesson can be presented as slides, offline, and every slide fits a 1280x800 screen.

The build checks are quick and always run. The browser test opens EVERY deck of both kinds
(full, outputs-only) in one headless Chromium with the network cut, visits every slide and
checks that nothing overflows the slide, no box clips or scrolls its text, no plot is shown
below its own size, no request leaves the machine and no page error happens.

The same measurement, as a table (the one in issue 18), for a folder of built decks:
    python tests/test_slides.py slides/            # after `make slides`
"""

import sys
import time
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
    require_chromium,
)

NOTEBOOK_PATHS = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
METRICS_JS = (Path(__file__).with_name("slide_metrics.js")).read_text(encoding="utf-8")
WIDTH, HEIGHT = 1280, 800
READABLE_PX = 16  # smallest plot text, as shown on a 1280x800 slide, that reads from the back
KINDS = {"full": ".slides.html", "outputs": ".outputs.slides.html"}


@pytest.fixture(scope="module")
def slides(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("slides")
    build_web("slides", out)
    return out


def decks(folder: Path) -> list[tuple[str, Path]]:
    """(kind, deck) for every deck in `folder`, full decks first."""
    found = []
    for kind, suffix in KINDS.items():
        for deck in sorted(folder.glob(f"[0-9][0-9]_*{suffix}")):
            if kind == "full" and deck.name.endswith(KINDS["outputs"]):
                continue
            found.append((kind, deck))
    return found


def test_make_slides_builds_both_decks_of_every_lesson_without_a_cdn(slides):
    for path in NOTEBOOK_PATHS:
        for suffix in KINDS.values():
            page = slides / f"{path.stem}{suffix}"
            assert page.exists(), f"no {page.name} for {path.name}"
            assert external_loads(page) == [], f"{page.name} loads files from the internet"
            assert "Reveal.initialize" in page.read_text(encoding="utf-8")
    for asset in ["reveal.js/dist/reveal.js", "reveal.js/dist/reveal.css", "katex/katex.min.js"]:
        assert (slides / "assets" / asset).exists()
    assert external_loads(slides / "index.html") == []


def test_slides_never_show_test_scaffolding_or_widget_boxes(slides):
    import re

    for _, deck in decks(slides):
        body = deck.read_text(encoding="utf-8")
        assert "NBVAL_" not in body, f"{deck.name}: an nbval marker is shown to the room"
        assert "noqa" not in body, f"{deck.name}: a lint comment is shown to the room"
        assert not re.search(r"(?<!\d)0%\|", body), f"{deck.name}: a progress bar's first frame"


def test_every_heading_starts_a_slide(slides):
    """A ## or ### heading anywhere in a markdown cell opens a slide (split at build time)."""
    import re

    for path in NOTEBOOK_PATHS:
        nb = nbformat.read(path, as_version=4)
        headings = sum(
            len(re.findall(r"^#{1,3} ", cell.source, flags=re.M))
            for cell in nb.cells
            if cell.cell_type == "markdown"
        )
        body = (slides / f"{path.stem}.slides.html").read_text(encoding="utf-8")
        starts = len(re.findall(r'<section[^>]*data-course-heading="1"', body))
        assert starts >= headings, f"{path.name}: {headings} headings, {starts} start a slide"


def guide_notes() -> dict:
    sys.path.insert(0, str(NOTEBOOKS.parent / "tools"))
    import slide_notes

    return slide_notes.parse()


def test_the_guide_timings_add_up_to_the_totals_it_states():
    import re

    notes = guide_notes()
    assert {p.name[:2] for p in NOTEBOOK_PATHS} <= set(notes), "a lesson has no timing table"
    for lesson in notes.values():
        assert lesson.rows, f"lesson {lesson.number} has no timing rows"
        assert lesson.minutes == lesson.stated_minutes, (
            f"lesson {lesson.number}: rows add up to {lesson.minutes} min, "
            f"the heading says {lesson.stated_minutes}")
    guide = (NOTEBOOKS.parent / "docs" / "instructor-guide.md").read_text(encoding="utf-8")
    hours, minutes = map(int, re.search(r"about (\d+) h (\d+) min", guide).groups())
    assert hours * 60 + minutes == sum(lesson.minutes for lesson in notes.values())


def test_speaker_notes_are_the_guide_rows_on_their_slides(slides):
    """Every row of a lesson's timing table is in both of its decks' notes, on a slide it names."""
    import html
    import re

    notes = guide_notes()
    for path in NOTEBOOK_PATHS:
        lesson = notes[path.name[:2]]
        for suffix in KINDS.values():
            body = (slides / f"{path.stem}{suffix}").read_text(encoding="utf-8")
            asides = re.findall(r'<aside class="notes">(.*?)</aside>', body, flags=re.S)
            text = html.unescape(re.sub(r"<[^>]+>", "", " ".join(asides)))
            for row in lesson.rows:
                assert f"{row.key}: {row.minutes} min" in text, f"{path.name}: no note for {row.key}"
            assert "no slide matches" not in text, f"{path.name}: a guide row names no slide"
            assert text.count("Likely question:") == len(lesson.questions)


def measure_deck(page, deck: Path) -> list[dict]:
    """Visit every slide of `deck` in `page`; return one measurement per slide."""
    page.goto(deck.as_uri(), wait_until="load")
    page.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=30_000)
    page.evaluate("() => Reveal.configure({transition: 'none', backgroundTransition: 'none'})")
    page.wait_for_function("() => !window.courseFitting", timeout=10_000)
    count = page.evaluate("() => Reveal.getSlides().length")
    rows = []
    for index in range(count):
        page.evaluate(
            "(i) => { const s = Reveal.getSlides()[i]; const at = Reveal.getIndices(s);"
            " Reveal.slide(at.h, at.v); }",
            index,
        )
        row = page.evaluate(METRICS_JS)
        row["index"] = index
        rows.append(row)
    return rows


def judge(rows: list[dict]) -> dict:
    """The issue's table columns for one deck."""
    images = [img for row in rows for img in row["images"]]
    readable = [
        img
        for img in images
        if img["fontPx"] is not None
        and img["fontPx"] * img["shown"][0] / img["natural"][0] >= READABLE_PX
    ]
    return {
        "slides": len(rows),
        "overflowing": sum(row["overflow"] > 1 for row in rows),
        "code cut off": sum(bool(row["cut"]) for row in rows),
        "code below the screen": sum(row["below"] for row in rows),
        "plots shrunk": sum(img["shown"][0] < img["natural"][0] - 1 for img in images),
        "plots readable": f"{len(readable)} / {len(images)}" if images else "-",
        "tallest (screens)": round(max(row["height"] for row in rows), 2),
    }


def measure_all(folder: Path, screenshots: Path | None = None) -> dict:
    """Measure every deck in `folder` in one browser: {deck name: (kind, rows)}, plus the
    blocked requests and page errors seen; screenshots of each deck's tallest slide."""
    from playwright.sync_api import sync_playwright

    results, blocked, errors = {}, [], []
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright, require_chromium())
        page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
        blocked = cut_network(page)
        page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
        for kind, deck in decks(folder):
            rows = measure_deck(page, deck)
            results[deck.name] = (kind, rows)
            if screenshots is not None:
                worst = max(rows, key=lambda row: (row["height"], len(row["images"])))
                page.evaluate(
                    "(i) => { const at = Reveal.getIndices(Reveal.getSlides()[i]);"
                    " Reveal.slide(at.h, at.v); }",
                    worst["index"],
                )
                screenshots.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=screenshots / f"slides-worst-{deck.stem}.png")
        browser.close()
    return {"decks": results, "blocked": list(blocked), "errors": errors}


@pytest.mark.browser
def test_every_slide_of_every_deck_fits_a_1280x800_screen(slides):
    measured = measure_all(slides, SCREENSHOTS)
    problems = []
    for name, (_, rows) in measured["decks"].items():
        for row in rows:
            where = f"{name} slide {row['index'] + 1} ({row['title']})"
            if row["overflow"] > 1:
                problems.append(f"{where}: content {row['overflow']:.0f} px past the edge")
            if row["cut"]:
                problems.append(f"{where}: text clipped in {row['cut'][:2]}")
            for img in row["images"]:
                if img["figures"] == "presentation" and img["shown"][0] < img["natural"][0] - 1:
                    problems.append(f"{where}: plot shrunk to {img['shown']} from {img['natural']}")
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:40])
    assert len(measured["decks"]) == 2 * len(NOTEBOOK_PATHS), "a deck is missing"
    assert measured["blocked"] == [], f"the slides tried to reach the internet: {measured['blocked']}"
    assert measured["errors"] == [], f"JavaScript errors in the slides: {measured['errors']}"


@pytest.mark.browser
def test_the_speaker_view_shows_the_notes(slides):
    """Pressing S opens reveal.js's speaker view (a second window) with the slide's notes."""
    from playwright.sync_api import sync_playwright

    deck = slides / f"{NOTEBOOK_PATHS[-1].stem}.slides.html"
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright, require_chromium())
        context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
        blocked = cut_network(context)
        page = context.new_page()
        page.goto(deck.as_uri(), wait_until="load")
        page.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=30_000)
        with context.expect_page() as opened:
            page.keyboard.press("s")
        speaker = opened.value
        speaker.wait_for_function(
            "() => document.body.innerText.includes('min in all')", timeout=15_000)
        browser.close()
    assert blocked == []


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


def print_table(folder: Path) -> None:
    """Print issue 18's table for the decks in `folder`, one block per deck kind."""
    start = time.perf_counter()
    measured = measure_all(folder, SCREENSHOTS)
    columns = list(judge(next(iter(measured["decks"].values()))[1]))
    for kind in KINDS:
        print(f"\n{kind} decks\n| deck | " + " | ".join(columns) + " |")
        print("|---" * (len(columns) + 1) + "|")
        every = []
        for name, (deck_kind, rows) in measured["decks"].items():
            if deck_kind == kind:
                every += rows
                print(f"| {name[:2]} | " + " | ".join(str(v) for v in judge(rows).values()) + " |")
        if every:
            print("| all | " + " | ".join(str(v) for v in judge(every).values()) + " |")
    print(f"\nblocked requests: {len(measured['blocked'])}, page errors: {len(measured['errors'])}")
    for name, (_, rows) in measured["decks"].items():
        for row in rows:
            if row["overflow"] > 1 or row["cut"]:
                print(f"  {name} {row['index'] + 1} {row['title']!r}: overflow {row['overflow']:.0f}"
                      f" px, {row['height']:.2f} screens, cut {row['cut'][:1]}")
    print(f"measured in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    print_table(Path(sys.argv[1]))
