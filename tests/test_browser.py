"""Every lesson in real JupyterLab, in headless Chromium: run all cells, no errors, widgets work.

One JupyterLab server and one page for all lessons (each notebook is opened, run and closed in
turn). Screenshots go to tests/screenshots/ (git-ignored): look at them.
Skipped without Chromium; with CI=true a missing Chromium is a failure.

The lessons are checked by this file run as a script, a background job started when the test
run's collection ends (tests/background.py), so the browser and its kernels work while the
other tests run; each test reports its lesson's outcome (an assertion's message, as raised):
    python tests/test_browser.py OUT.json 00_start_here.ipynb ...
"""

import json
import re
import sys
import traceback
from contextlib import contextmanager
from pathlib import Path

import pytest
from background import Job
from browser_support import (
    NOTEBOOKS,
    SCREENSHOTS,
    LabServer,
    cut_network,
    launch_chromium,
    require_chromium,
)
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from helpers import LESSONS as COURSE_LESSONS
from helpers.doctor import find_chromium

pytestmark = pytest.mark.browser

LESSONS = sorted(path.name for path in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
RUN_ALL_TIMEOUT_MS = 900_000  # lesson 4 trains models: minutes on a busy 2-core machine
WIDGET_TIMEOUT_MS = 30_000
BROKEN_WIDGET_TEXT = ("Error displaying widget", "Loading widget...", "Model not found")

# The widget each lesson must show, by the CSS class of its widget (helpers.LESSONS names it).
LESSON_WIDGETS = {lesson.notebook[:2]: lesson.widget_class().css_class
                  for lesson in COURSE_LESSONS if lesson.widget}


@contextmanager
def jupyterlab_page(chromium: str):
    """One JupyterLab server and one Chromium page on it, with the network cut: (lab, page)."""
    from playwright.sync_api import sync_playwright

    lab = LabServer().start()
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright, chromium)
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            blocked = cut_network(context)  # the course must work offline, JupyterLab included
            page = context.new_page()
            page.blocked = blocked
            page.goto(lab.lab_url(), wait_until="domcontentloaded")
            page.wait_for_function(
                "() => window.jupyterapp && window.jupyterapp.started", timeout=60_000
            )
            page.evaluate("() => window.jupyterapp.restored")
            yield lab, page
            browser.close()
    finally:
        lab.stop()


# --- JupyterLab, driven through its own commands (window.jupyterapp, exposed by galata) ---

OPEN_JS = """async (path) => {
    const app = window.jupyterapp;
    await app.commands.execute('application:close-all');
    const panel = await app.commands.execute('docmanager:open', {path, factory: 'Notebook'});
    await panel.context.ready;
    await panel.sessionContext.ready;
    app.shell.activateById(panel.id);
    return panel.id;
}"""

RUN_ALL_JS = """async (timeoutMs) => {
    const app = window.jupyterapp;
    await app.commands.execute('notebook:clear-all-cell-outputs');
    const timeout = new Promise((_, reject) =>
        setTimeout(() => reject(new Error('run all took over ' + timeoutMs + ' ms')), timeoutMs));
    return await Promise.race([app.commands.execute('notebook:run-all-cells'), timeout]);
}"""

CELLS_JS = """() => {
    const panel = window.jupyterapp.shell.currentWidget;
    const result = [];
    for (const cell of panel.content.model.cells) {
        if (cell.type !== 'code') continue;
        const outputs = cell.outputs.toJSON();
        result.push({
            count: cell.executionCount,
            tags: cell.getMetadata('tags') || [],
            source: cell.sharedModel.getSource().slice(0, 80),
            errors: outputs.filter(o => o.output_type === 'error')
                           .map(o => o.ename + ': ' + o.evalue),
            widgets: outputs.filter(o => o.data &&
                           o.data['application/vnd.jupyter.widget-view+json']).length,
            images: outputs.filter(o => o.data && o.data['image/png']).length,
        });
    }
    return result;
}"""

# True once each cell shows as many live widget views as its outputs hold widgets.
WIDGETS_DRAWN_JS = """() => {
    const panel = window.jupyterapp.shell.currentWidget;
    return panel.content.widgets.filter(cell => cell.model.type === 'code').every(cell => {
        const expected = cell.model.outputs.toJSON().filter(o => o.data &&
            o.data['application/vnd.jupyter.widget-view+json']).length;
        const drawn = cell.node.querySelectorAll('.jp-OutputArea-output > .jupyter-widgets').length;
        return drawn >= expected;
    });
}"""

# What each cell whose widgets did not render shows instead (for the failure message).
UNDRAWN_WIDGETS_JS = """() => {
    const panel = window.jupyterapp.shell.currentWidget;
    return panel.content.widgets.filter(cell => cell.model.type === 'code').map(cell => ({
        source: cell.model.sharedModel.getSource().slice(0, 80),
        expected: cell.model.outputs.toJSON().filter(o => o.data &&
            o.data['application/vnd.jupyter.widget-view+json']).length,
        drawn: cell.node.querySelectorAll('.jp-OutputArea-output > .jupyter-widgets').length,
        shows: (cell.node.querySelector('.jp-Cell-outputArea') || {innerText: ''})
            .innerText.slice(0, 120),
    })).filter(cell => cell.drawn < cell.expected);
}"""

SAVE_AND_CLOSE_JS = """async () => {
    const app = window.jupyterapp;
    await app.commands.execute('docmanager:save');  // a temporary copy: saving avoids a dialog
    await app.commands.execute('application:close-all');
}"""


def open_and_run(page, lab, name: str) -> list[dict]:
    """Open `name` in JupyterLab, run all cells in a fresh kernel, return a summary per code cell."""
    page.evaluate(OPEN_JS, name)
    page.evaluate(RUN_ALL_JS, RUN_ALL_TIMEOUT_MS)
    return page.evaluate(CELLS_JS)


def notebook(page):
    return page.locator(".jp-NotebookPanel:visible .jp-Notebook")


def shot(locator, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    locator.scroll_into_view_if_needed()
    locator.screenshot(path=path)
    return path


# --- one real interaction per widget: each returns what the widget showed before and after ---


def changes(page, root, act, watched: str):
    """Run `act()`, wait until the outer HTML of `watched` (inside root) changes; return both."""
    target = root.locator(watched).first
    target.wait_for(timeout=WIDGET_TIMEOUT_MS)
    handle = target.element_handle()
    before = handle.evaluate("el => el.outerHTML")
    act()
    page.wait_for_function(
        "([el, before]) => el.outerHTML !== before", arg=[handle, before], timeout=WIDGET_TIMEOUT_MS
    )
    return before, handle.evaluate("el => el.outerHTML")


def type_sentences(page, root):
    """Tokenizer playground: type two new sentences; the token chips are redrawn."""
    box = root.locator(".tp-text textarea")
    box.fill("Transformers read unbelievably long sentences!\nShort one.")
    box.press("Tab")


def add_a_word(page, root):
    """Embedding explorer: add a word to the list and press Enter; the map is redrawn."""
    box = root.locator(".embedding-explorer-words input")
    box.fill("kitten, tram, noodle, volcano")
    box.press("Enter")


def next_layer(page, root):
    """Attention explorer: move the layer slider one step right with the keyboard."""
    handle = root.locator(".attention-layer .noUi-handle, .attention-layer [role=slider]").first
    handle.focus()
    handle.press("ArrowRight")


def tick_a_block(page, root):
    """Freezing panel: tick the first frozen block's checkbox; the trainable count changes."""
    root.locator(".freezing-block input[type=checkbox]:not(:checked)").first.check()


def trainable_count(root) -> int:
    """The trainable-parameter count the freezing panel shows."""
    text = root.locator(".freezing-summary").inner_text()
    return int(re.search(r"trainable\s+([\d,]+)", text)[1].replace(",", ""))


def readout(selector: str):
    """A check that the slider at `selector` now reads 1 (it started at 0)."""
    return lambda root: root.locator(f"{selector} .widget-readout").inner_text().strip() == "1"


INTERACTIONS = {
    # widget class: (what a student does, the part that must change, what must then be true)
    "tokenizer-playground": (
        type_sentences,
        ".tp-output",
        lambda root: "sentences" in root.locator(".tp-output").inner_text(),
    ),
    "embedding-explorer": (
        add_a_word,
        ".embedding-explorer-map",
        lambda root: "volcano" in root.locator(".embedding-explorer-neighbours").inner_text(),
    ),
    "attention-explorer": (next_layer, ".attention-plot", readout(".attention-layer")),
    "freezing-panel": (tick_a_block, ".freezing-summary", lambda root: trainable_count(root) > 0),
}


# --- the tests ---------------------------------------------------------------------------------


def background_jobs(workdir: Path, items) -> dict[str, Job]:
    """This file as a script over the selected lessons (none without a Chromium: then the
    tests skip, or fail in CI, by themselves)."""
    names = LESSONS if items is None else [item.callspec.params["name"] for item in items
                                           if item.originalname == "test_lesson_runs_in_jupyterlab"]
    if not names or find_chromium() is None:
        return {}
    out = workdir / "browser.json"
    return {"browser": Job([sys.executable, __file__, str(out), *names], log=workdir / "browser.log",
                           out=out, order=-1)}  # the longest job: first


@pytest.mark.parametrize("name", LESSONS)
def test_lesson_runs_in_jupyterlab(name, background):
    """All cells run without an error; every widget renders and answers a real interaction."""
    require_chromium()
    done = background("browser")
    outcomes = json.loads(done.out.read_text()) if done.out.exists() else {}
    assert name in outcomes, f"the browser job stopped before {name}:\n{done.tail()}"
    if outcomes[name] != "passed":
        pytest.fail(outcomes[name], pytrace=False)


def check_lesson(page, lab, name: str) -> None:
    """The checks of one lesson (raises AssertionError or pytest's Failed with the reason)."""
    stem = Path(name).stem
    try:
        cells = open_and_run(page, lab, name)
        errors = [
            (cell["source"], cell["errors"])
            for cell in cells
            if cell["errors"] and "raises-exception" not in cell["tags"]
        ]
        assert not errors, f"{name}: cells failed in JupyterLab: {errors}"
        not_run = [cell["source"] for cell in cells if cell["count"] is None]
        assert not not_run, f"{name}: cells that did not run: {not_run}"

        text = notebook(page).inner_text()
        assert "Traceback" not in text, f"{name}: a traceback is shown"

        # every widget output of the model is drawn as a live view (not an error, not "Loading")
        try:
            page.wait_for_function(WIDGETS_DRAWN_JS, timeout=WIDGET_TIMEOUT_MS)
        except PlaywrightTimeout:
            pytest.fail(f"{name}: widgets not drawn: {page.evaluate(UNDRAWN_WIDGETS_JS)}")
        for broken in BROKEN_WIDGET_TEXT:
            assert broken not in notebook(page).inner_text(), f"{name}: widget shows {broken!r}"

        shown_images = notebook(page).locator(".jp-RenderedImage img")
        assert shown_images.count() >= sum(cell["images"] for cell in cells)

        widget_class = LESSON_WIDGETS.get(stem[:2])
        if widget_class:
            check_widget(page, stem, widget_class)
        assert not page.blocked, f"requests left the machine: {page.blocked[:5]}"
    finally:
        shot(page.locator(".jp-NotebookPanel:visible"), f"{stem}-page")
        page.evaluate(SAVE_AND_CLOSE_JS)
        lab.shutdown_kernels()


def check_widget(page, stem: str, widget_class: str) -> None:
    """The lesson's own widget: rendered with its controls, and it responds."""
    root = notebook(page).locator(f".{widget_class}").first
    try:
        root.wait_for(timeout=WIDGET_TIMEOUT_MS)
    except PlaywrightTimeout:
        pytest.fail(f"{stem}: no .{widget_class} widget on the page (is it displayed?)")
    controls = root.locator("input, textarea, select, button")
    assert controls.count() > 0, f"{widget_class} shows no controls"
    shot(root, f"{stem}-{widget_class}-before")
    act, watched, then = INTERACTIONS[widget_class]
    before, after = changes(page, root, lambda: act(page, root), watched)
    assert re.sub(r"\s+", " ", before) != re.sub(r"\s+", " ", after)
    assert then(root), f"{widget_class} did not show what the interaction asked for"
    shot(root, f"{stem}-{widget_class}-after")


def main(out: str, names: list[str]) -> None:
    """Check each lesson in turn; write {lesson: "passed" or why it failed} to `out`."""
    outcomes = {}
    with jupyterlab_page(require_chromium()) as (lab, page):
        for name in names:
            try:
                check_lesson(page, lab, name)
                outcomes[name] = "passed"
            except Exception as err:  # noqa: BLE001 (reported by the lesson's test)
                outcomes[name] = f"{type(err).__name__}: {err}\n\n{traceback.format_exc()[-3000:]}"
            except BaseException as err:  # pytest.fail's Failed
                if isinstance(err, KeyboardInterrupt):
                    raise
                outcomes[name] = str(err)
            Path(out).write_text(json.dumps(outcomes))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
