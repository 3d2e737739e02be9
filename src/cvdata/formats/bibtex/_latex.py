"""LaTeX text of BibTeX fields as Unicode, math included.

Text outside math goes through pylatexenc (accents, escapes, protective braces). Each math
span (``\\(...\\)``, ``$...$``, ``\\[...\\]``) is converted on its own: to Unicode where
the conversion is exact (super- and subscripts, Greek letters, operators, ``\\mbox``
text), else kept as its source text, so that a title never loses a character: DBLP's
``{\\#}NC\\({}^{\\mbox{1}}\\)`` is ``#NC¹``, ``AC\\({}^{\\mbox{0}}\\)[{\\(\\oplus\\)}]`` is
``AC⁰[⊕]``.
"""

from __future__ import annotations

import logging
import re
import unicodedata

from pylatexenc import latexwalker, macrospec
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db


class LatexError(ValueError):
    """A field's LaTeX cannot be read as text; ``str(e)`` says why."""


def _latex_contexts() -> tuple[macrospec.LatexContextDb, macrospec.LatexContextDb]:
    """pylatexenc's macros, plus those it reads wrongly: ``\\href{url}{text}`` (its text;
    the default has no arguments for it and fails) and the brace commands cvdata's own
    BibTeX export writes (``\\textbraceleft{}``)."""
    walker = latexwalker.get_default_latex_context_db()
    walker.add_context_category("cvdata", macros=[macrospec.MacroSpec("href", "{{")], prepend=True)
    to_text = get_default_latex_context_db()
    to_text.add_context_category(
        "cvdata",
        macros=[
            MacroTextSpec("href", simplify_repl="%(2)s"),
            MacroTextSpec("textbraceleft", "{"),
            MacroTextSpec("textbraceright", "}"),
        ],
        prepend=True,
    )
    return walker, to_text


_WALKER_CONTEXT, _TEXT_CONTEXT = _latex_contexts()
_latex = LatexNodes2Text(latex_context=_TEXT_CONTEXT)
#: Control characters (terminal escapes, NUL, line and paragraph separators): read as
#: spaces, so that none reaches the tables or a terminal.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")

# ---------------------------------------------------------------- math

_SUP = dict(
    zip(
        "0123456789+-=()abcdefghijklmnoprstuvwxyzABDEGHIJKLMNOPRTUVW",
        "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂ",
        strict=True,
    )
)
_SUP.update({"*": "*", "′": "′", "'": "′", "∗": "∗", "†": "†"})  # written up already
_SUB = dict(
    zip("0123456789+-=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ", strict=True)
)
_GREEK = (
    "alpha α beta β gamma γ delta δ epsilon ϵ varepsilon ε zeta ζ eta η theta θ vartheta ϑ "
    "iota ι kappa κ lambda λ mu μ nu ν xi ξ pi π varpi ϖ rho ρ varrho ϱ sigma σ varsigma ς "
    "tau τ upsilon υ phi ϕ varphi φ chi χ psi ψ omega ω Gamma Γ Delta Δ Theta Θ Lambda Λ "
    "Xi Ξ Pi Π Sigma Σ Upsilon Υ Phi Φ Psi Ψ Omega Ω"
)
_OPERATORS = (
    "oplus ⊕ otimes ⊗ odot ⊙ times × cdot · ast ∗ star ⋆ circ ∘ bullet • pm ± mp ∓ div ÷ "
    "leq ≤ le ≤ geq ≥ ge ≥ neq ≠ ne ≠ approx ≈ sim ∼ simeq ≃ equiv ≡ cong ≅ propto ∝ "
    "ll ≪ gg ≫ in ∈ notin ∉ ni ∋ subset ⊂ subseteq ⊆ supset ⊃ supseteq ⊇ cup ∪ cap ∩ "
    "setminus ∖ emptyset ∅ varnothing ∅ wedge ∧ land ∧ vee ∨ lor ∨ neg ¬ lnot ¬ forall ∀ "
    "exists ∃ to → rightarrow → leftarrow ← gets ← Rightarrow ⇒ Leftarrow ⇐ "
    "leftrightarrow ↔ Leftrightarrow ⇔ mapsto ↦ implies ⟹ iff ⟺ infty ∞ partial ∂ nabla ∇ "
    "sum ∑ prod ∏ int ∫ oint ∮ ell ℓ hbar ℏ aleph ℵ Re ℜ Im ℑ wp ℘ top ⊤ bot ⊥ "
    "vdash ⊢ models ⊨ perp ⊥ parallel ∥ mid ∣ langle ⟨ rangle ⟩ lceil ⌈ rceil ⌉ "
    "lfloor ⌊ rfloor ⌋ ldots … cdots ⋯ dots … prime ′ dagger † ddagger ‡ square □ "
    "Box □ diamond ◇ Diamond ◇ triangle △ angle ∠ deg ° colon : vert | lvert | rvert | "
    "Vert ‖ # # % % & & _ _ { { } } , \u2009 ; \u2005 ! \u200b quad \u2003 qquad \u2003\u2003"
)
_SYMBOLS = {}
for _table in (_GREEK, _OPERATORS):
    _w = _table.split(" ")
    _SYMBOLS.update(zip(_w[::2], _w[1::2], strict=True))
#: Operators written as words (``\log n``).
_WORDS = {"log", "ln", "exp", "min", "max", "sup", "inf", "lim", "det", "dim", "poly",
          "polylog", "sin", "cos", "tan", "gcd", "Pr", "arg", "ker", "deg"}  # fmt: skip
#: Commands whose argument is text or a style: their argument, as it is.
_TEXTUAL = {"mbox", "text", "textrm", "textit", "textbf", "textsf", "texttt", "mathrm",
            "mathit", "mathbf", "mathsf", "mathtt", "operatorname", "hbox", "mathnormal",
            "ensuremath", "boldsymbol", "bm", "textup", "emph"}  # fmt: skip
#: Letter styles: the Unicode names of their letters (a few live in Letterlike Symbols).
_ALPHABETS = {
    "mathbb": ("MATHEMATICAL DOUBLE-STRUCK", "DOUBLE-STRUCK"),
    "mathcal": ("MATHEMATICAL SCRIPT", "SCRIPT"),
    "mathscr": ("MATHEMATICAL SCRIPT", "SCRIPT"),
    "mathfrak": ("MATHEMATICAL FRAKTUR", "BLACK-LETTER"),
}


def _alphabet(style: str, letters: str) -> str:
    """``\\mathcal{O}`` as 𝒪: each letter in the style's Unicode letters."""
    out = []
    for ch in letters:
        if not ch.isascii() or not ch.isalpha():
            raise _Inexact
        case = "CAPITAL" if ch.isupper() else "SMALL"
        for prefix in _ALPHABETS[style]:
            try:
                out.append(unicodedata.lookup(f"{prefix} {case} {ch.upper()}"))
                break
            except KeyError:
                continue
        else:
            raise _Inexact
    return "".join(out)


_MATH = re.compile(r"\\\((.*?)\\\)|\\\[(.*?)\\\]|(?<!\\)\$(.+?)(?<!\\)\$", re.DOTALL)


class _Inexact(Exception):
    """The math has something with no exact Unicode form; keep its source."""


def _group(src: str, i: int) -> tuple[str, int]:
    """The argument at ``i``: a braced group's inside, a command, or one character."""
    while i < len(src) and src[i].isspace():
        i += 1
    if i >= len(src):
        raise _Inexact
    if src[i] == "{":
        depth = 0
        for j in range(i, len(src)):
            depth += {"{": 1, "}": -1}.get(src[j], 0)
            if depth == 0:
                return src[i + 1 : j], j + 1
        raise _Inexact
    if src[i] == "\\":
        m = re.compile(r"\\([A-Za-z]+|.)").match(src, i)
        return (m.group(0), m.end()) if m else (src[i], i + 1)
    return src[i], i + 1


def _script(body: str, table: dict[str, str]) -> str:
    plain = math_to_unicode(body)
    if plain is None or not plain or any(ch not in table for ch in plain):
        raise _Inexact
    return "".join(table[ch] for ch in plain)


def _command(src: str, i: int) -> tuple[str, int]:
    """The Unicode of the command at ``i`` and where it ends."""
    m = re.compile(r"\\([A-Za-z]+|.)").match(src, i)
    if not m:
        raise _Inexact
    name, end = m.group(1), m.end()
    if name in _TEXTUAL:
        arg, end = _group(src, end)
        inner = math_to_unicode(arg) if name not in ("mbox", "text", "hbox") else arg
        if inner is None:
            raise _Inexact
        return inner, end
    if name == "sqrt":  # √x is exact for one symbol only: √n+1 would read as (√n)+1
        arg, end = _group(src, end)
        inner = math_to_unicode(arg)
        if inner is None or len(inner.strip()) != 1:
            raise _Inexact
        return "√" + inner.strip(), end
    if name in _ALPHABETS:
        arg, end = _group(src, end)
        return _alphabet(name, arg), end
    if name in _SYMBOLS:
        return _SYMBOLS[name], end
    if name in _WORDS:
        return name, end
    raise _Inexact


def math_to_unicode(src: str) -> str | None:
    """The Unicode of a math span's inside, or ``None`` when some part has no exact form."""
    out: list[str] = []
    i = 0
    try:
        while i < len(src):
            ch = src[i]
            if ch == "\\":
                piece, i = _command(src, i)
                out.append(piece)
            elif ch in "^_":
                body, i = _group(src, i + 1)
                out.append(_script(body, _SUP if ch == "^" else _SUB))
            elif ch == "{":
                body, i = _group(src, i)
                inner = math_to_unicode(body)
                if inner is None:
                    return None
                out.append(inner)
            elif ch == "}":
                return None
            else:
                out.append(" " if ch.isspace() else ch)
                i += 1
    except _Inexact:
        return None
    return re.sub(r" {2,}", " ", "".join(out))


#: Private-use characters stand for the math spans while pylatexenc reads the rest.
_SLOT = 0xF0000


def _math_out(value: str) -> tuple[str, list[str]]:
    """``value`` with each math span replaced by a private-use character, and the spans'
    Unicode (or source) in order."""
    spans: list[str] = []

    def keep(m: re.Match[str]) -> str:
        body = next(g for g in m.groups() if g is not None)
        plain = math_to_unicode(body)
        spans.append(plain.strip() if plain is not None and plain.strip() else m.group(0))
        return chr(_SLOT + len(spans) - 1)

    return _MATH.sub(keep, value), spans


def decode(value: str) -> str:
    """LaTeX text as Unicode: accents, escapes and protective braces resolved, math as
    described in this module; control characters read as spaces.

    Raises
    ------
    LatexError
        When pylatexenc cannot read the LaTeX (it raises on a few macro forms).
    """
    value = CONTROL.sub(" ", value)
    if not re.search(r"[\\{}~$]|--", value):
        return " ".join(value.split())
    value, spans = _math_out(value)
    quiet = logging.getLogger("pylatexenc")
    level, quiet.level = quiet.level, logging.CRITICAL  # it logs its own failures as well
    try:
        walker = latexwalker.LatexWalker(value, latex_context=_WALKER_CONTEXT)
        nodes, _, _ = walker.get_latex_nodes()
        plain = _latex.nodelist_to_text(nodes)
    except Exception as e:  # pylatexenc raises IndexError, KeyError, ValueError, ...
        raise LatexError(
            f"cannot read its LaTeX {value[:60]!r} (a command without its arguments, or an "
            "environment not closed?); write it as plain text"
        ) from e
    finally:
        quiet.setLevel(level)
    for n, span in enumerate(spans):
        plain = plain.replace(chr(_SLOT + n), span)
    plain = CONTROL.sub(" ", plain.replace("\xa0", " ").replace("ˆ", "^"))
    return " ".join(plain.split())


__all__ = ["CONTROL", "LatexError", "decode", "math_to_unicode"]
