"""Render the gallery: run every ``plot_*.py`` script and save its figures as PNG plus an index page."""

from __future__ import annotations

import ast
import html
import os
import runpy
from pathlib import Path

__all__ = ["find_gallery", "gallery_scripts", "render_gallery"]


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
    docstring = ast.get_docstring(ast.parse(script.read_text(encoding="utf-8"))) or ""
    lines = docstring.strip().splitlines()
    if len(lines) >= 2 and set(lines[1].strip()) <= set("=-~^*#") and lines[1].strip():
        title, body = lines[0].strip(), lines[2:]
    else:
        title, body = script.stem.removeprefix("plot_").replace("_", " ").capitalize(), lines
    caption = " ".join(line.strip() for line in body).strip()
    return title, caption


def gallery_scripts(gallery: Path | None = None) -> dict[str, Path]:
    """The gallery's scripts by name (the file stem without ``plot_``), in sorted order."""
    gallery = find_gallery() if gallery is None else Path(gallery)
    return {path.stem.removeprefix("plot_"): path for path in sorted(gallery.glob("plot_*.py"))}


def render_gallery(out, *, only=None, quick: bool = False, progress: bool = False,
                   gallery: Path | None = None) -> list[Path]:
    """Run the gallery scripts and write ``<name>_<k>.png`` files and ``index.html`` into ``out``.

    Parameters
    ----------
    out : path
        Output folder (created if needed).
    only : str or list of str, optional
        Render only these scripts (names as listed by ``attractors gallery --list``).
    quick : bool
        Set ``ATTRACTORS_GALLERY_QUICK=1`` so scripts use small sizes (for tests).
    progress : bool
        Show a progress bar over scripts.

    Returns
    -------
    list of Path
        The PNG files written.  Same seed in the scripts, same pictures.
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
    written, entries = [], []
    previous = os.environ.get("ATTRACTORS_GALLERY_QUICK")
    if quick:
        os.environ["ATTRACTORS_GALLERY_QUICK"] = "1"
    try:
        for name, script in tqdm(scripts.items(), disable=not progress, unit="figure",
                                 desc="gallery"):
            plt.close("all")
            with plt.rc_context({"figure.dpi": 100, "savefig.dpi": 100}):
                runpy.run_path(str(script), run_name="__main__")
                images = []
                for index, number in enumerate(plt.get_fignums(), start=1):
                    path = out / f"{name}_{index}.png"
                    # No timestamps in the metadata: the same seed gives identical files.
                    plt.figure(number).savefig(path, metadata={"Software": None})
                    images.append(path)
            plt.close("all")
            written += images
            entries.append((name, *_title_and_caption(script), images))
    finally:
        if quick:
            if previous is None:
                os.environ.pop("ATTRACTORS_GALLERY_QUICK", None)
            else:
                os.environ["ATTRACTORS_GALLERY_QUICK"] = previous
    _write_index(out, entries)
    return written


def _write_index(out: Path, entries) -> None:
    sections = []
    for name, title, caption, images in entries:
        pictures = "\n".join(
            f'<img src="{html.escape(p.name)}" alt="{html.escape(title)}">' for p in images
        )
        sections.append(
            f'<section id="{html.escape(name)}"><h2>{html.escape(title)}</h2>\n'
            f"<p>{html.escape(caption)}</p>\n{pictures}</section>"
        )
    page = (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<title>attractors gallery</title><style>body{font-family:sans-serif;max-width:60em;"
        "margin:auto}img{max-width:100%}section{margin-bottom:3em}</style></head><body>\n"
        "<h1>attractors gallery</h1>\n" + "\n".join(sections) + "\n</body></html>\n"
    )
    (out / "index.html").write_text(page, encoding="utf-8")
