r"""A small reStructuredText-to-HTML renderer for gallery captions, math typeset offline.

The gallery's captions are the scripts' docstrings, written for Sphinx: roles
(``:func:`~attractors.analysis.compare```), inline math (``:math:`\tilde u_0```),
literals, emphasis, bullet lists and ``.. math::`` blocks.  ``attractors
gallery`` writes a standalone ``index.html`` that must read like the docs'
gallery without Sphinx, docutils or a network: roles become code text, and
math is typeset by matplotlib's mathtext into inline SVG (glyphs as paths, so
no font or script is loaded).  TeX that mathtext cannot parse is shown as code.
"""

from __future__ import annotations

import html
import io
import re
import warnings
from functools import lru_cache

__all__ = ["inline_html", "math_svg", "plain_text", "rst_to_html", "to_mathtext"]

ROLE = re.compile(r":(?P<role>[a-z]+(?::[a-z]+)?):`(?P<body>[^`]+)`")
LITERAL = re.compile(r"``(?P<body>[^`]+)``")
STRONG = re.compile(r"\*\*(?P<body>[^*]+)\*\*")
EMPHASIS = re.compile(r"(?<![\w*])\*(?P<body>[^*\s][^*]*)\*(?![\w*])")
LINK = re.compile(r"`(?P<text>[^`<]+?)\s*<(?P<url>[^>]+)>`_+")
DEFAULT_ROLE = re.compile(r"(?<![:`\w])`(?P<body>[^`]+)`(?!_)")
#: Stand-ins for pieces already turned into HTML while the rest is escaped.
TOKEN = "\x00{}\x00"


#: TeX that Sphinx's MathJax reads but mathtext spells differently (or needs braced).
_TEX = [
    (re.compile(r"\\(ge|le|ne)(?![A-Za-z])"), r"\\\1q"),
    (re.compile(r"\\[td]frac(?![A-Za-z])"), r"\\frac"),
    (re.compile(r"\\(lVert|rVert)(?![A-Za-z])"), r"\\Vert"),
    (re.compile(r"\\(mathbf|mathrm|mathcal|mathit|boldsymbol)\s+(\w)"), r"\\\1{\2}"),
]
_ARGUMENT = r"(\{[^{}]*\}|\\[A-Za-z]+|\w)"
_FRAC = re.compile(r"\\frac\s*" + _ARGUMENT + r"\s*" + _ARGUMENT)


def _braced(argument: str) -> str:
    return argument if argument.startswith("{") else "{" + argument + "}"


def to_mathtext(tex: str) -> str:
    r"""TeX as matplotlib's mathtext reads it: ``\ge`` -> ``\geq``, ``\frac12`` -> ``\frac{1}{2}``."""
    for pattern, replacement in _TEX:
        tex = pattern.sub(replacement, tex)
    return _FRAC.sub(lambda m: r"\frac" + _braced(m[1]) + _braced(m[2]), tex)


@lru_cache(maxsize=512)
def math_svg(tex: str, *, display: bool = False, size: float = 12.0) -> str:
    """Inline SVG of ``tex`` typeset by matplotlib's mathtext, or ``""`` if it cannot parse it."""
    from matplotlib import mathtext
    from matplotlib.font_manager import FontProperties

    buffer = io.BytesIO()
    source = tex.strip().replace("\n", " ")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a zero-height formula ("\,") divides by zero
            depth = mathtext.math_to_image(f"${to_mathtext(source)}$", buffer, format="svg",
                                           prop=FontProperties(size=size * (1.15 if display else 1.0)))
    except (ValueError, RuntimeError, KeyError):
        return ""
    svg = buffer.getvalue().decode("utf-8")
    svg = svg[svg.index("<svg"):]  # drop the XML prologue and doctype
    # No metadata (it holds the creation date: same caption, same bytes).
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, flags=re.DOTALL)
    # Sit on the text's baseline: the image's bottom is ``depth`` points below it.
    style = f'style="vertical-align:{-float(depth):.2f}pt"'
    label = html.escape(source, quote=True)
    return svg.replace("<svg", f'<svg role="img" aria-label="{label}" {style}', 1)


MATRIX = re.compile(r"\\begin\{([pbv]?)matrix\}(.*?)\\end\{\1matrix\}", re.DOTALL)
#: The brackets around a matrix environment (mathtext has no matrices).
BRACKETS = {"p": ("(", ")"), "b": ("[", "]"), "v": ("|", "|"), "": ("", "")}


def _matrix(kind: str, body: str, display: bool) -> str:
    """A matrix environment as an HTML table of typeset cells between brackets."""
    rows = [row.split("&") for row in re.split(r"\\\\", body) if row.strip()]
    cells = "".join(
        "<tr>" + "".join(f"<td>{_math(cell.strip(), display)}</td>" for cell in row) + "</tr>"
        for row in rows)
    left, right = BRACKETS[kind]
    return (f'<span class="matrix"><span class="bracket">{left}</span><table>{cells}</table>'
            f'<span class="bracket">{right}</span></span>')


def _math(tex: str, display: bool = False) -> str:
    found = MATRIX.search(tex)
    if found:  # typeset around the matrix, the matrix as a table
        before, after = tex[: found.start()].strip(), tex[found.end():].strip()
        return ((_math(before, display) if before else "")
                + _matrix(found[1], found[2], display)
                + (_math(after, display) if after else ""))
    svg = math_svg(tex, display=display)
    if not svg:
        return f'<code class="tex">{html.escape(tex)}</code>'
    return f'<span class="math{" display" if display else ""}">{svg}</span>'


def _role(role: str, body: str) -> str:
    if role == "math":
        return _math(body)
    text = body.strip()
    explicit = re.fullmatch(r"(?P<text>.+?)\s*<(?P<target>[^>]+)>", text)
    if explicit:
        text = explicit["text"]
    elif text.startswith("~"):
        text = text[1:].rsplit(".", 1)[-1]
    if role in {"func", "meth", "py:func", "py:meth"} and not text.endswith(")"):
        text += "()"
    if role in {"ref", "doc", "term"}:
        return html.escape(text)
    return f"<code>{html.escape(text)}</code>"


def plain_text(text: str) -> str:
    """The text of one line of reST without markup (for link texts and alt attributes)."""
    text = ROLE.sub(lambda m: m["body"].lstrip("~"), text)
    return LITERAL.sub(lambda m: m["body"], text)


def inline_html(text: str) -> str:
    """Inline markup of one line or paragraph (a title) to HTML; everything else escaped."""
    return _inline(text)


def _inline(text: str) -> str:
    """Inline markup of one paragraph to HTML; everything else escaped."""
    pieces: list[str] = []

    def keep(markup: str) -> str:
        pieces.append(markup)
        return TOKEN.format(len(pieces) - 1)

    text = ROLE.sub(lambda m: keep(_role(m["role"], m["body"])), text)
    text = LITERAL.sub(lambda m: keep(f"<code>{html.escape(m['body'])}</code>"), text)
    text = LINK.sub(lambda m: keep(f'<a href="{html.escape(m["url"], quote=True)}">'
                                   f"{html.escape(m['text'])}</a>"), text)
    text = DEFAULT_ROLE.sub(lambda m: keep(f"<em>{html.escape(m['body'])}</em>"), text)
    text = STRONG.sub(lambda m: keep(f"<strong>{html.escape(m['body'])}</strong>"), text)
    text = EMPHASIS.sub(lambda m: keep(f"<em>{html.escape(m['body'])}</em>"), text)
    text = html.escape(text, quote=False)
    return re.sub("\x00(\\d+)\x00", lambda m: pieces[int(m[1])], text)


def _blocks(lines: list[str]):
    """Paragraphs, bullet lists and math directives: (kind, lines) in order."""
    block: list[str] = []
    kind = None
    for line in [*lines, ""]:
        stripped = line.strip()
        if kind == "math" and (not stripped or line[:1].isspace()):
            if stripped:
                block.append(stripped)
            elif block:
                yield kind, block
                block, kind = [], None
            continue
        if not stripped:
            if block:
                yield kind, block
            block, kind = [], None
        elif stripped.startswith(".. math::"):
            if block:
                yield kind, block
            rest = stripped.removeprefix(".. math::").strip()
            block, kind = ([rest] if rest else []), "math"
        elif stripped.startswith(".. "):  # another directive or a comment: not shown
            if block:
                yield kind, block
            block, kind = [], "skip"
        elif stripped[:2] in {"* ", "- "}:
            if kind != "list" and block:
                yield kind, block
                block = []
            kind = "list"
            block.append(stripped[2:])
        elif kind == "list" and line[:1].isspace() and block:
            block[-1] += " " + stripped  # continuation of the last item
        else:
            if kind == "list":
                yield kind, block
                block = []
            kind = kind if kind in {"para", "skip"} else "para"
            block.append(stripped)


def rst_to_html(text: str) -> str:
    """The HTML of a gallery caption written in reStructuredText (see the module docstring).

    Examples
    --------
    >>> rst_to_html("See :func:`~attractors.analysis.compare` and ``run``.")
    '<p>See <code>compare()</code> and <code>run</code>.</p>'
    >>> "<svg" in rst_to_html(r"The rate :math:`\\tilde u_0`.")
    True
    """
    out = []
    for kind, lines in _blocks(text.splitlines()):
        if kind == "para":
            out.append(f"<p>{_inline(' '.join(lines))}</p>")
        elif kind == "list":
            out.append("<ul>" + "".join(f"<li>{_inline(item)}</li>" for item in lines) + "</ul>")
        elif kind == "math" and lines:
            out.append(f'<div class="display-math">{_math(" ".join(lines), display=True)}</div>')
    return "\n".join(out)
