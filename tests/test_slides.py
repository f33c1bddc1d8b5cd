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
from background import Job
from browser_support import (
    NOTEBOOKS,
    SCREENSHOTS,
    build_web_job,
    cut_network,
    external_loads,
    launch_chromium,
    require_chromium,
)

NOTEBOOK_PATHS = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
METRICS_JS = (Path(__file__).with_name("slide_metrics.js")).read_text(encoding="utf-8")
sys.path.insert(0, str(NOTEBOOKS.parent / "tools"))
from slide_cells import FIGURE_BOX, READABLE_PX, png_size  # noqa: E402 (the tools' own numbers)

WIDTH, HEIGHT = 1280, 800
KINDS = {"full": ".slides.html", "outputs": ".outputs.slides.html"}


def background_jobs(workdir: Path, items) -> dict[str, Job]:
    return {"slides": build_web_job("slides", workdir / "slides")}


@pytest.fixture(scope="module")
def slides(background) -> Path:
    """Both decks of every lesson, built by `tools/build_web.py slides` (in the background
    from the run's start)."""
    done = background("slides")
    assert done.returncode == 0, done.tail()
    return done.out


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
        assert not re.search(r"</summary>\s*</details>", body), f"{deck.name}: a solution shown open"


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


def test_every_committed_plot_fits_the_slide_figure_box_at_its_own_size():
    """A committed PNG is what the slides show without `make slide-figures`: it must fit the
    figure box (FIGURE_BOX) as it is, or the page would shrink it and its text with it."""
    too_big = []
    for path in NOTEBOOK_PATHS:
        for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
            for output in cell.get("outputs", []):
                size = png_size(output)
                if size and (size[0] > FIGURE_BOX[0] or size[1] > FIGURE_BOX[1]):
                    too_big.append(f"{path.name} cell {index}: {size[0]}x{size[1]} px")
    assert not too_big, f"plots larger than the slide's {FIGURE_BOX} px box: {too_big}"


def test_every_lesson_with_code_to_read_shows_some_in_its_outputs_deck(slides):
    """Lessons 2-5 tag the cells whose code is the point `show-code`; the outputs-only deck
    shows their code (and hides every other cell's)."""
    import html
    import re

    for path in NOTEBOOK_PATHS:
        if not "02" <= path.name[:2] <= "05":
            continue
        tagged = [c for c in nbformat.read(path, as_version=4).cells
                  if "show-code" in c.metadata.get("tags", [])]
        assert tagged, f"{path.name}: no cell is tagged show-code"
        body = html.unescape(re.sub(r"<[^>]+>", "", (
            slides / f"{path.stem}.outputs.slides.html").read_text(encoding="utf-8")))
        for cell in tagged:
            first = next(line for line in cell.source.splitlines()
                         if line.strip() and not line.lstrip().startswith("#"))
            assert first.strip() in body, f"{path.name}: {first!r} not shown in the outputs deck"


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


def test_the_room_never_sees_test_markers_and_sees_finished_progress_bars():
    sys.path.insert(0, str(NOTEBOOKS.parent / "tools"))
    from slide_cells import clean_source, final_progress_bars, fold_details, split_headings

    code = "# NBVAL_IGNORE_OUTPUT\n# Why: timings vary\nrun()  # noqa: B018\n# a real comment\nx = 1"
    assert clean_source(code) == "run()\n# a real comment\nx = 1"
    bar = nbformat.v4.new_output("display_data", data={
        "application/vnd.jupyter.widget-view+json": {"model_id": "m"},
        "text/plain": "head only:   0%|          | 0/36 [00:00<?, ?it/s]"})
    assert final_progress_bars([bar])[0].text == "head only: 100%|██████████| 36/36\n"
    cell = nbformat.v4.new_markdown_cell("Intro\n## Two\ntext\n```\n## not a heading\n```\n### Three")
    assert [c.source.split("\n")[0] for c in split_headings(cell)] == ["Intro", "## Two", "### Three"]
    folded = fold_details("<details><summary>S</summary>\n\n```python\na = 1\n\nb = 2\n```\n\n</details>")
    assert "\n\n" not in folded and folded.endswith("</details>") and "b" in folded


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


def problems_in(measured: dict, shrunk_ok: bool = False) -> list[str]:
    """What a room would not see: content past the slide's edge, clipped text, shrunk plots
    (`shrunk_ok`: a plot too big for the slide may be shrunk to fit, for content the lessons do
    not have; the lessons' own plots fit at their size, see the committed-plot test)."""
    problems = []
    for name, (_, rows) in measured["decks"].items():
        for row in rows:
            where = f"{name} slide {row['index'] + 1} ({row['title']})"
            if row["overflow"] > 1:
                problems.append(f"{where}: content {row['overflow']:.0f} px past the edge")
            if row["cut"]:
                problems.append(f"{where}: text clipped in {row['cut'][:2]}")
            for img in row["images"]:  # committed plots and projector-sized ones alike
                if img["shown"][0] < img["natural"][0] - 1 and not shrunk_ok:
                    problems.append(f"{where}: plot shrunk to {img['shown']} from {img['natural']}")
                elif img["fontPx"] is not None and img["fontPx"] < READABLE_PX:
                    problems.append(f"{where}: plot text {img['fontPx']} px, under {READABLE_PX} px")
    return problems


@pytest.mark.browser
def test_every_slide_of_every_deck_fits_a_1280x800_screen(slides):
    measured = measure_all(slides, SCREENSHOTS)
    problems = problems_in(measured)
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:40])
    assert len(measured["decks"]) == 2 * len(NOTEBOOK_PATHS), "a deck is missing"
    assert measured["blocked"] == [], f"the slides tried to reach the internet: {measured['blocked']}"
    assert measured["errors"] == [], f"JavaScript errors in the slides: {measured['errors']}"


def unseen_lesson() -> nbformat.NotebookNode:
    """A notebook with content the lessons do not have today: headings in mid-cell, a 150-line
    cell with 300 lines of output, unbreakable 600-character lines, a 60-item list, a 60-row
    HTML table, a plot taller than the screen, a long traceback, a progress bar widget, a widget
    snapshot (HTML with two inline PNGs) taller than the screen."""
    import base64
    import io

    from matplotlib.figure import Figure

    png = io.BytesIO()
    figure = Figure(figsize=(4, 12), dpi=100)
    figure.add_subplot().plot([1, 2, 3])
    figure.savefig(png, format="png")
    small = io.BytesIO()
    figure = Figure(figsize=(6, 4), dpi=100)
    figure.add_subplot().plot([3, 1, 2])
    figure.savefig(small, format="png")
    picture = ('<img src="data:image/png;base64,' + base64.b64encode(small.getvalue()).decode()
               + '" alt="picture" style="max-width:640px;height:auto">')
    snapshot = ('<div class="course-widget-snapshot x-snapshot"><p><b>Explorer</b> · a: 1</p>'
                f'<div style=""><div><p>first view</p></div>{picture}{picture}</div>'
                '<p class="course-widget-note"><i>A picture of the widget.</i></p></div>')
    code, md = nbformat.v4.new_code_cell, nbformat.v4.new_markdown_cell
    out = nbformat.v4.new_output
    rows = "".join(f"<tr><td>{i}</td><td>row {i}</td></tr>" for i in range(60))
    cells = [
        md("# Unseen lesson\n\nIntro.\n\n## A heading in mid-cell\nText.\n### A subheading\nMore."),
        code("\n".join(f"x{i} = {i}" + ("\n" if i % 10 == 9 else "") for i in range(150)),
             outputs=[out("stream", name="stdout", text="".join(f"line {i}\n" for i in range(300)))]),
        code("# NBVAL_IGNORE_OUTPUT\n# Why: a test marker\ns = '" + "a" * 600 + "'",
             outputs=[out("execute_result", data={"text/plain": "b" * 400}, execution_count=3)]),
        md("\n".join(f"- item {i} of a long list" for i in range(60))),
        code("table", outputs=[out("display_data", data={
            "text/html": f"<table><thead><tr><th>i</th><th>name</th></tr></thead><tbody>{rows}"
                         "</tbody></table>", "text/plain": "table"})]),
        code("plot()", outputs=[out("display_data", data={
            "image/png": base64.b64encode(png.getvalue()).decode(), "text/plain": "<Figure>"})]),
        code("fail()", outputs=[out("error", ename="ValueError", evalue="no",
                                    traceback=[f"frame {i}" for i in range(80)])]),
        code("train()", outputs=[out("display_data", data={
            "application/vnd.jupyter.widget-view+json": {"model_id": "x", "version_major": 2,
                                                         "version_minor": 0},
            "text/plain": "training:   0%|          | 0/12 [00:00<?, ?it/s]"})]),
        code("explorer", outputs=[out("execute_result", execution_count=9, data={
            "application/vnd.jupyter.widget-view+json": {"model_id": "y", "version_major": 2,
                                                         "version_minor": 0},
            "text/html": snapshot, "text/plain": "Explorer(...)"})]),
    ]
    nb = nbformat.v4.new_notebook()
    nb.cells = cells
    return nb


@pytest.mark.parametrize("kind", ["full", "outputs"])
def test_every_planned_page_fits_by_its_estimate(kind):
    """Without a browser: the planner's pages of every lesson and of the unseen notebook stay
    within the slide's height by the estimates, and a plot shares its page with no other code."""
    sys.path.insert(0, str(NOTEBOOKS.parent / "tools"))
    from slide_cells import BUDGET, draws_plot, height_of
    from slide_plan import HIDE_INPUT, plan

    notebooks = [nbformat.read(p, as_version=4) for p in NOTEBOOK_PATHS] + [unseen_lesson()]
    for nb in notebooks:
        pages: list[list] = []
        for cell in plan(nb, kind).cells:
            slide_type = cell.metadata["slideshow"]["slide_type"]
            if slide_type in {"slide", "subslide"} or not pages:
                pages.append([])
            if slide_type != "notes":
                pages[-1].append(cell)
        for page in pages:
            tall = sum(height_of(c, HIDE_INPUT not in c.metadata.get("tags", [])) for c in page)
            assert tall <= BUDGET or len(page) <= 2, [c.source[:40] for c in page]
            if any(draws_plot(c) for c in page):
                assert sum(c.cell_type == "code" for c in page) <= 2, [c.source[:40] for c in page]
        if kind == "outputs":
            shown = [c for c in plan(nb, kind).cells if c.cell_type == "code"
                     and HIDE_INPUT not in c.metadata.get("tags", [])]
            assert all({"show-code", "exercise"} & set(c.metadata.get("tags", [])) for c in shown)


@pytest.mark.browser
def test_content_the_lessons_do_not_have_yet_still_fits(tmp_path):
    import subprocess

    path = tmp_path / "99_unseen.ipynb"
    nbformat.write(unseen_lesson(), path)
    subprocess.run([sys.executable, str(NOTEBOOKS.parent / "tools" / "build_web.py"), "slides",
                    "--out", str(tmp_path / "out"), str(path)], check=True, capture_output=True)
    measured = measure_all(tmp_path / "out")
    problems = problems_in(measured, shrunk_ok=True)  # its 1200 px tall plot must fit, shrunk
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:40])
    assert measured["errors"] == []
    body = (tmp_path / "out" / "99_unseen.slides.html").read_text(encoding="utf-8")
    assert "NBVAL" not in body and "12/12" in body


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
    import IPython.display
    import matplotlib as mpl

    from helpers import presentation_mode
    from helpers.style import WIDGET_PRESENTATION_CSS

    shown = []  # presentation_mode imports display when it is called: catch it there
    monkeypatch.setattr(IPython.display, "display", lambda *objs: shown.extend(objs))
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


def test_plot_text_follows_the_course_style_and_dense_labels_give_way():
    """Plot helpers size text from the style: in presentation style the smallest text is
    >= READABLE_PX; token labels that cannot reach it on a 12-head grid are left out (the
    notebook, at its own size, keeps them)."""
    import matplotlib as mpl
    import matplotlib.pyplot as plt
    import numpy as np

    from helpers import style
    from helpers.attention.plots import attention_head_grid
    from helpers.embeddings.plots import plot_similarity_heatmap

    tokens = "[CLS] the animal didn ' t cross the street because it was too tired . [SEP]".split()
    weights = np.full((12, len(tokens), len(tokens)), 1 / len(tokens))
    words, groups = [f"w{i}" for i in range(32)], [f"g{i // 8}" for i in range(32)]
    try:
        style.use_course_style()
        axes = attention_head_grid(weights, tokens)
        assert len(axes[0].get_yticklabels()) == len(tokens)
        assert axes[0].get_yticklabels()[0].get_fontsize() >= style.points(style.SMALLEST_TEXT) - 1e-6
        plt.close("all")
        mpl.rcParams.update(style.PRESENTATION_STYLE)
        assert len(attention_head_grid(weights, tokens)[0].get_yticks()) == 0
        ax = plot_similarity_heatmap(np.eye(32), words, groups=groups)
        smallest = min(t.get_fontsize() for t in ax.figure.findobj(mpl.text.Text) if t.get_text())
        assert smallest * ax.figure.dpi / 72 >= READABLE_PX
    finally:
        plt.close("all")
        style.use_course_style()


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
    print_table(Path(sys.argv[1]).resolve())
