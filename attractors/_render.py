"""Render the gallery: run every ``plot_*.py`` script, save its figures and animations, write index.html.

Each script runs with its printed output captured: the terminal shows only the
progress bar (and the command's closing summary), while each story's findings
go under its caption on ``index.html`` and, with a header per story, into
``gallery.log``.  Figures are saved as PNG; matplotlib animations a script
leaves in its namespace (:func:`attractors.plot.animate`) as GIF through the
Pillow writer.  Captions are the scripts' reStructuredText docstrings rendered
by :mod:`attractors._rst_html` (math as inline SVG), so the page needs no
network and no script.
"""

from __future__ import annotations

import ast
import contextlib
import html
import io
import os
import runpy
import time
import warnings
from pathlib import Path

from ._rst_html import inline_html, plain_text, rst_to_html

__all__ = ["find_gallery", "gallery_scripts", "render_gallery"]

#: Animation frames per second in the GIFs (animate's default interval is 80 ms).
GIF_FPS = 12.5
#: Resolution of the GIFs: animate's 5 x 3.6 inch figure becomes 400 x 288 pixels.
GIF_DPI = 80


def find_gallery() -> Path:
    """The gallery folder: shipped inside the installed package, or the checkout's ``gallery/``."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_gallery", here.parent / "gallery"):
        if candidate.is_dir() and any(candidate.glob("plot_*.py")):
            return candidate
    raise FileNotFoundError(
        f"no gallery scripts found in {here / '_gallery'} or {here.parent / 'gallery'}"
    )


def _title_and_caption(script: Path) -> tuple[str, str]:
    """The script's title and its caption (reStructuredText, paragraphs kept)."""
    docstring = ast.get_docstring(ast.parse(script.read_text(encoding="utf-8"))) or ""
    lines = docstring.strip().splitlines()
    if len(lines) >= 2 and set(lines[1].strip()) <= set("=-~^*#") and lines[1].strip():
        title, body = lines[0].strip(), lines[2:]
    else:
        title, body = script.stem.removeprefix("plot_").replace("_", " ").capitalize(), lines
    return title, "\n".join(body).strip()


def gallery_scripts(gallery: Path | None = None) -> dict[str, Path]:
    """The gallery's scripts by name (the file stem without ``plot_``), in sorted order."""
    gallery = find_gallery() if gallery is None else Path(gallery)
    return {path.stem.removeprefix("plot_"): path for path in sorted(gallery.glob("plot_*.py"))}


class GalleryScriptError(RuntimeError):
    """A gallery script failed; its printed output is in ``gallery.log``."""


def _run_script(script: Path, log_path: Path, log: list[str]):
    """Run one script with its output captured: (namespace, printed text).

    If the script fails, what it printed goes to the log before the error is raised.
    """
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed), \
                warnings.catch_warnings():
            warnings.simplefilter("default")  # shown once, into the capture
            warnings.showwarning = lambda message, category, *rest: printed.write(
                f"{category.__name__}: {message}\n")
            namespace = runpy.run_path(str(script), run_name="__main__")
    except Exception as error:
        log.append(f"== {script.name} FAILED: {type(error).__name__}: {error}\n"
                   f"{printed.getvalue().rstrip()}\n")
        log_path.write_text("\n".join(log), encoding="utf-8")
        raise GalleryScriptError(
            f"gallery script {script.name} failed: {type(error).__name__}: {error} "
            f"(its output is in {log_path})"
        ) from error
    return namespace, printed.getvalue()


def _save_outputs(name: str, namespace: dict, out: Path):
    """Write the script's animations (GIF) and remaining figures (PNG); return both lists."""
    import matplotlib.pyplot as plt
    from matplotlib.animation import Animation, PillowWriter

    animations = [value for value in namespace.values() if isinstance(value, Animation)]
    animated = set()
    gifs, pngs = [], []
    for index, animation in enumerate(animations, start=1):
        path = out / f"{name}_anim_{index}.gif"
        animation.save(path, writer=PillowWriter(fps=GIF_FPS), dpi=GIF_DPI)
        animated.add(id(animation._fig))
        gifs.append(path)
    index = 0
    for number in plt.get_fignums():
        figure = plt.figure(number)
        if id(figure) in animated:
            continue
        index += 1
        path = out / f"{name}_{index}.png"
        # No timestamps in the metadata: the same seed gives identical files.
        figure.savefig(path, metadata={"Software": None})
        pngs.append(path)
    return gifs, pngs


def render_gallery(out, *, only=None, quick: bool = False, progress: bool = False,
                   gallery: Path | None = None) -> list[Path]:
    """Run the gallery scripts; write their figures, animations, ``index.html`` and ``gallery.log``.

    Parameters
    ----------
    out : path
        Output folder (created if needed).
    only : str or list of str, optional
        Render only these scripts (names as listed by ``attractors gallery --list``).
    quick : bool
        Set ``ATTRACTORS_GALLERY_QUICK=1`` so scripts use small sizes (for tests).
    progress : bool
        Show a progress bar over scripts (the only terminal output: what the
        scripts print goes to their captions and ``gallery.log``).
    gallery : path, optional
        The folder of ``plot_*.py`` scripts; default :func:`find_gallery`.

    Returns
    -------
    list of Path
        The files written for the stories: ``<name>_<k>.png`` figures and
        ``<name>_anim_<k>.gif`` animations.  Same seed in the scripts, same
        pictures.
    """
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt
    from tqdm.auto import tqdm

    scripts = gallery_scripts(gallery)
    if only is not None:
        wanted = [only] if isinstance(only, str) else list(only)
        unknown = [name for name in wanted if name not in scripts]
        if unknown:
            raise ValueError(
                f"unknown gallery script(s) {unknown}; available: {', '.join(scripts)}"
            )
        scripts = {name: scripts[name] for name in wanted}
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written, entries, log = [], [], []
    previous = os.environ.get("ATTRACTORS_GALLERY_QUICK")
    if quick:
        os.environ["ATTRACTORS_GALLERY_QUICK"] = "1"
    try:
        for name, script in tqdm(scripts.items(), disable=not progress, unit="story",
                                 desc="gallery"):
            plt.close("all")
            start = time.perf_counter()
            with plt.rc_context({"figure.dpi": 100, "savefig.dpi": 100}):
                namespace, printed = _run_script(script, out / "gallery.log", log)
                gifs, pngs = _save_outputs(name, namespace, out)
            plt.close("all")
            seconds = time.perf_counter() - start
            written += pngs + gifs
            entries.append((name, *_title_and_caption(script), gifs + pngs, printed))
            log.append(f"== {name} ({script.name}, {seconds:.1f} s, {len(pngs)} figure(s), "
                       f"{len(gifs)} animation(s))\n{printed.rstrip()}\n")
    finally:
        if quick:
            if previous is None:
                os.environ.pop("ATTRACTORS_GALLERY_QUICK", None)
            else:
                os.environ["ATTRACTORS_GALLERY_QUICK"] = previous
    (out / "gallery.log").write_text("\n".join(log), encoding="utf-8")
    _write_index(out, entries)
    return written


STYLE = (
    "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:62em;margin:auto;"
    "padding:0 1em;line-height:1.5;color:#222}h1{border-bottom:2px solid #1f3b73}"
    "h2{margin-top:2.2em;color:#1f3b73}img{max-width:100%;display:block;margin:1em auto}"
    "code{background:#f3f3f3;padding:0 .2em;border-radius:3px;font-size:.92em}"
    "svg{overflow:visible}.display-math{text-align:center;margin:.8em 0}"
    ".matrix{display:inline-flex;align-items:center;vertical-align:middle}"
    ".matrix table{border-collapse:collapse;margin:0 .15em}.matrix td{padding:0 .35em;"
    "text-align:center}.bracket{font-size:2.6em;font-weight:200;line-height:1}"
    "nav ul{columns:2;font-size:.92em;padding-left:1.2em}details{margin:.6em 0}"
    "pre{background:#f7f7f4;border-left:3px solid #1f3b73;padding:.6em .8em;overflow-x:auto;"
    "font-size:.88em;white-space:pre-wrap}.anim{border:1px solid #ddd}"
)


def _write_index(out: Path, entries) -> None:
    sections, links = [], []
    for name, title, caption, images, printed in entries:
        text = plain_text(title)
        pictures = "\n".join(
            f'<img src="{html.escape(p.name)}" alt="{html.escape(text)}"'
            + (' class="anim"' if p.suffix == ".gif" else "") + ">"
            for p in images
        )
        findings = (
            f"<details open><summary>What the script found</summary>"
            f"<pre>{html.escape(printed.rstrip())}</pre></details>\n" if printed.strip() else ""
        )
        links.append(f'<li><a href="#{html.escape(name)}">{inline_html(title)}</a></li>')
        sections.append(
            f'<section id="{html.escape(name)}"><h2>{inline_html(title)}</h2>\n'
            f"{rst_to_html(caption)}\n{findings}{pictures}</section>"
        )
    page = (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>attractors gallery</title><style>{STYLE}</style></head><body>\n"
        "<h1>attractors gallery</h1>\n<nav><ul>" + "".join(links) + "</ul></nav>\n"
        + "\n".join(sections) + "\n</body></html>\n"
    )
    (out / "index.html").write_text(page, encoding="utf-8")
