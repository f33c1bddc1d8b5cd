"""Every lesson in real JupyterLab, in headless Chromium: run all cells, no errors, widgets work.

One JupyterLab server and one page for the whole module (each notebook is opened, run and
closed in turn). Screenshots go to tests/screenshots/ (git-ignored): look at them.
Skipped without Chromium; with CI=true a missing Chromium is a failure.
"""

import re
from pathlib import Path

import pytest
from browser_support import (
    NOTEBOOKS,
    SCREENSHOTS,
    LabServer,
    cut_network,
    launch_chromium,
    require_chromium,
)

pytestmark = pytest.mark.browser

LESSONS = sorted(path.name for path in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
RUN_ALL_TIMEOUT_MS = 300_000
WIDGET_TIMEOUT_MS = 30_000
BROKEN_WIDGET_TEXT = ("Error displaying widget", "Loading widget...", "Model not found")

# The widget each lesson must show, by the CSS class its factory in helpers/widgets.py gives it.
LESSON_WIDGETS = {
    "01": "tokenizer-playground",
    "02": "embedding-explorer",
    "03": "attention-explorer",
    "04": "freezing-panel",
}


@pytest.fixture(scope="module")
def lab():
    require_chromium()
    server = LabServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def page(lab):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright, require_chromium())
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        blocked = cut_network(context)  # the course must work offline, JupyterLab included
        page = context.new_page()
        page.blocked = blocked
        page.goto(lab.lab_url(), wait_until="domcontentloaded")
        page.wait_for_function(
            "() => window.jupyterapp && window.jupyterapp.started", timeout=60_000
        )
        page.evaluate("() => window.jupyterapp.restored")
        yield page
        browser.close()


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


def widget_outputs(page):
    return notebook(page).locator(
        '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.widget-view+json"]'
    )


def shot(locator, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    locator.scroll_into_view_if_needed()
    locator.screenshot(path=path)
    return path


# --- one real interaction per widget: each returns what the widget showed before and after ---


def changes(page, root, act, watched: str):
    """Run `act()`, wait until the inner HTML of `watched` (inside root) changes; return both."""
    target = root.locator(watched).first
    before = target.inner_html()
    act()
    handle = target.element_handle()
    page.wait_for_function(
        "([el, before]) => el.innerHTML !== before", arg=[handle, before], timeout=WIDGET_TIMEOUT_MS
    )
    return before, target.inner_html()


def type_sentence(page, root):
    box = root.locator("textarea, input[type=text]").first
    box.fill("Transformers read unbelievably long sentences!")
    box.press("Tab")  # continuous_update may be off: leaving the box commits the value


INTERACTIONS = {
    # class: (what to do, which part must change)
    "tokenizer-playground": (type_sentence, ".widget-html-content, .jp-OutputArea"),
}


# --- the tests ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", LESSONS)
def test_lesson_runs_in_jupyterlab(page, lab, name):
    """All cells run without an error; every widget renders and answers a real interaction."""
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

        expected_views = sum(cell["widgets"] for cell in cells)
        views = widget_outputs(page)
        assert views.count() == expected_views, f"{name}: widget outputs in the page"
        for index in range(expected_views):
            view = views.nth(index)
            view.locator(".jupyter-widgets, .widget-box, .lm-Widget").first.wait_for(
                timeout=WIDGET_TIMEOUT_MS
            )
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
    root.wait_for(timeout=WIDGET_TIMEOUT_MS)
    controls = root.locator("input, textarea, select, button")
    assert controls.count() > 0, f"{widget_class} shows no controls"
    shot(root, f"{stem}-{widget_class}-before")
    act, watched = INTERACTIONS[widget_class]
    before, after = changes(page, root, lambda: act(page, root), watched)
    assert re.sub(r"\s+", " ", before) != re.sub(r"\s+", " ", after)
    shot(root, f"{stem}-{widget_class}-after")
