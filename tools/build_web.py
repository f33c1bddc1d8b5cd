"""Render the lessons, with their committed outputs, as reveal.js slides or as a static site.

Usage (through make):  make slides   ->  slides/<lesson>.slides.html (code and outputs),
                                         slides/<lesson>.outputs.slides.html (outputs only),
                                         slides/index.html
                       make site     ->  site/index.html, site/<lesson>.html, site/slides/...
      python tools/build_web.py figures  ->  build/slide-figures/ (projector-sized plots)

`slides` and `site` execute nothing: every text output is what CI checked (strict nbval).
Slides are laid out by tools/slide_plan.py (a slide per heading, subslides so that nothing
is taller than the 1280x800 screen), with speaker notes from docs/instructor-guide.md
(tools/slide_notes.py) and, where `figures` has run, plots redrawn at presentation size
(tools/slide_figures.py explains why they cannot be made from the committed PNGs). Every script and
style is served from ./assets (reveal.js and KaTeX, vendored in tools/web_assets/), so the
pages work in a room with no network; nbconvert's default templates would load reveal.js,
RequireJS, MathJax and the widget manager from CDNs. A live widget cannot run without a
kernel: the pages show a sentence saying which notebook to open instead.
"""

import argparse
import html
import re
import shutil
import sys
from pathlib import Path

import nbformat
import slide_figures
import slide_notes
from nbconvert import HTMLExporter, SlidesExporter
from nbconvert.preprocessors import TagRemovePreprocessor
from slide_cells import fold_details
from slide_plan import HIDE_INPUT, plan

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = REPO / "notebooks"
TEMPLATES = Path(__file__).resolve().parent / "templates"
ASSETS = Path(__file__).resolve().parent / "web_assets"
LINK_TO_NOTEBOOK = re.compile(r'href="(\.?/?)(\d\d_[\w-]+)\.ipynb(#[^"]*)?"')


def lessons(folder: Path = NOTEBOOKS) -> list[Path]:
    """The lesson notebooks in course order (by their number prefix)."""
    return sorted(folder.glob("[0-9][0-9]_*.ipynb"))


def title_of(nb: nbformat.NotebookNode, fallback: str) -> str:
    """The text of the notebook's first '# ' heading."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return fallback


def summary_of(nb: nbformat.NotebookNode) -> str:
    """The first paragraph after the title, as plain text (for the index page)."""
    first = next((c for c in nb.cells if c.cell_type == "markdown"), None)
    if first is None:
        return ""
    paragraphs = [p.strip() for p in first.source.split("\n\n") if p.strip()]
    text = next((p for p in paragraphs if not p.startswith("#")), "")
    return re.sub(r"[*_`]", "", " ".join(text.split()))


def relink(body: str, suffix: str) -> str:
    """Point links between lessons at the rendered pages instead of the .ipynb files."""
    return LINK_TO_NOTEBOOK.sub(lambda m: f'href="{m[2]}{suffix}{m[3] or ""}"', body)


def copy_assets(out: Path) -> None:
    shutil.copytree(ASSETS, out / "assets", dirs_exist_ok=True)


DECKS = {"full": ".slides.html", "outputs": ".outputs.slides.html"}


def slide_notebook(path: Path, kind: str, notes: dict) -> tuple[nbformat.NotebookNode, int]:
    """The lesson planned as slides of `kind`, with presentation figures where cached; and how
    many of its plots are presentation-sized."""
    nb = nbformat.read(path, as_version=4)
    nb, replaced = slide_figures.with_presentation_figures(nb, slide_figures.cached(path))
    lesson = notes.get(path.name[:2])
    return plan(nb, kind, slide_notes.assigner(lesson)), replaced


def render_slides(path: Path, out: Path, assets: str, kind: str = "full",
                  notes: dict | None = None) -> tuple[Path, int]:
    """One lesson as reveal.js slides of `kind` in `out`; return the file written and how
    many of its plots are presentation-sized."""
    nb, replaced = slide_notebook(path, kind, slide_notes.parse() if notes is None else notes)
    exporter = SlidesExporter(
        template_name="course_slides",
        extra_template_basedirs=[str(TEMPLATES)],
        extra_template_paths=[str(TEMPLATES / "course_common")],
        reveal_url_prefix=f"{assets}/reveal.js",
        reveal_theme="white",
        reveal_transition="none",
        reveal_width="1280",
        reveal_height="800",
        embed_images=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    exporter.register_preprocessor(
        TagRemovePreprocessor(remove_input_tags={HIDE_INPUT}, enabled=True), enabled=True)
    other = "outputs" if kind == "full" else "full"
    resources = {"course": {"assets": assets, "notebook": path.name, "kind": kind,
                            "other": f"{path.stem}{DECKS[other]}"}}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    target = out / f"{path.stem}{DECKS[kind]}"
    target.write_text(relink(body, DECKS[kind]), encoding="utf-8")
    return target, replaced


def render_page(path: Path, out: Path, previous: Path | None, following: Path | None) -> Path:
    """One lesson as a static page in `out` (links to its neighbours and its slides)."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = fold_details(cell.source)  # solutions stay folded
    exporter = HTMLExporter(
        template_name="course_site",
        extra_template_basedirs=[str(TEMPLATES)],
        extra_template_paths=[str(TEMPLATES / "course_common")],
        embed_images=True,
    )

    def link(other: Path | None):
        if other is None:
            return None
        return {
            "href": f"{other.stem}.html",
            "title": title_of(nbformat.read(other, 4), other.stem),
        }

    resources = {
        "course": {
            "assets": "assets",
            "notebook": path.name,
            "previous": link(previous),
            "next": link(following),
            "slides": f"slides/{path.stem}.slides.html",
        }
    }
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    target = out / f"{path.stem}.html"
    target.write_text(relink(body, ".html"), encoding="utf-8")
    return target


INDEX = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 52em; margin: 2em auto; padding: 0 1em;
       line-height: 1.5; color: #222; }}
h1 {{ font-size: 2em; }}
ol {{ padding-left: 1.2em; }}
li {{ margin: 1em 0; }}
li a.lesson {{ font-size: 1.25em; font-weight: 600; color: #0072B2; }}
li .links a {{ color: #0072B2; margin-right: 1em; }}
footer {{ margin-top: 3em; color: #666; font-size: 0.9em; }}
</style>
</head>
<body>
<h1>{title}</h1>
<p>{intro}</p>
<ol class="lessons" start="0">
{items}
</ol>
<footer>Rendered from the course notebooks with their saved outputs. To run the code and use the
interactive widgets, get the course and open the notebooks in JupyterLab (<code>make lab</code>).
Text: CC BY 4.0. Code: MIT.</footer>
</body>
</html>
"""


def write_index(out: Path, entries: list[dict], title: str, intro: str) -> Path:
    items = "\n".join(
        '<li><a class="lesson" href="{page}">{title}</a><br>{summary}'
        '<div class="links">{extra}</div></li>'.format(
            page=html.escape(entry["page"]),
            title=html.escape(entry["title"]),
            summary=html.escape(entry["summary"]),
            extra=entry.get("extra", ""),
        )
        for entry in entries
    )
    target = out / "index.html"
    target.write_text(INDEX.format(title=title, intro=intro, items=items), encoding="utf-8")
    return target


def build_slides(out: Path, notebooks: list[Path], assets: str = "assets") -> list[Path]:
    """Slides for every notebook, an index of them, and the assets they need."""
    out.mkdir(parents=True, exist_ok=True)
    if assets == "assets":
        copy_assets(out)
    written, entries, notes = [], [], slide_notes.parse()
    for path in notebooks:
        target, replaced = render_slides(path, out, assets, "full", notes)
        outputs, _ = render_slides(path, out, assets, "outputs", notes)
        nb = nbformat.read(path, as_version=4)
        plots = sum("image/png" in o.get("data", {}) for c in nb.cells for o in c.get("outputs", []))
        if replaced < plots:
            print(f"{path.name}: {plots - replaced} of {plots} plots at notebook size "
                  "(run `python tools/build_web.py figures` for projector-sized ones)")
        entries.append({
            "page": target.name, "title": title_of(nb, path.stem), "summary": summary_of(nb),
            "extra": f'<a href="{target.name}">code and outputs</a>'
                     f'<a href="{outputs.name}">outputs only</a>'})
        written.append(target)
    write_index(
        out,
        entries,
        "How transformers read text: slides",
        "Two decks per lesson, with the outputs saved in the notebooks: one with the code, "
        "one with the outputs only. Space or PageDown moves on (through every subslide); "
        "press S for the speaker view with notes and timings, F for full screen, Esc for an "
        "overview.",
    )
    return written


def build_site(out: Path, notebooks: list[Path]) -> list[Path]:
    """A page per notebook, an index in course order, the slides under slides/, the assets."""
    out.mkdir(parents=True, exist_ok=True)
    copy_assets(out)
    build_slides(out / "slides", notebooks, assets="../assets")
    written, entries = [], []
    for index, path in enumerate(notebooks):
        previous = notebooks[index - 1] if index > 0 else None
        following = notebooks[index + 1] if index + 1 < len(notebooks) else None
        target = render_page(path, out, previous, following)
        nb = nbformat.read(path, as_version=4)
        entries.append(
            {
                "page": target.name,
                "title": title_of(nb, path.stem),
                "summary": summary_of(nb),
                "extra": f'<a href="slides/{path.stem}.slides.html">slides</a>',
            }
        )
        written.append(target)
    write_index(
        out,
        entries,
        "How transformers read text",
        "An interactive course that follows text into a real transformer (all-MiniLM-L6-v2) "
        "and back out: tokens, embeddings, attention and fine-tuning with frozen layers. "
        "Read the lessons in order.",
    )
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=["slides", "site", "figures"])
    parser.add_argument("--out", type=Path, help="output folder (replaced)")
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: notebooks/NN_*.ipynb")
    args = parser.parse_intermixed_args(argv)
    notebooks = args.notebooks or lessons()
    if not notebooks:
        print("no lesson notebooks found", file=sys.stderr)
        return 1
    if args.kind == "figures":
        ran = slide_figures.refresh(notebooks)
        print(f"figures: {len(ran)} lessons run in presentation style, "
              f"{len(notebooks) - len(ran)} up to date (in {slide_figures.CACHE})")
        return 0
    if args.out is None:
        parser.error("--out is required for slides and site")
    shutil.rmtree(args.out, ignore_errors=True)
    build = build_slides if args.kind == "slides" else build_site
    written = build(args.out, notebooks)
    print(f"{args.kind}: {len(written)} lessons in {args.out}/ (open {args.out}/index.html)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
