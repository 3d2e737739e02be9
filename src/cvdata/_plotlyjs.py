"""Which plotly.js the site and the static export use.

Our charts draw only bar and scatter traces, so cvdata ships plotly.js's *basic* bundle
(bar, scatter, pie: 1.2 MB instead of the full bundle's 4.7 MB; npm package
``plotly.js-basic-dist-min``, MIT licence, in ``vendor/``). Every page loads it, and
kaleido's browser reloads it after every static figure, so its size is paid often.

It is used only when it is the same plotly.js version as the one inside the installed
plotly (figures are written for that one); otherwise, or with ``CVDATA_PLOTLYJS=full``
(for pages that add other trace types), plotly's own full bundle is used.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from . import env

BASIC = Path(__file__).with_name("vendor") / "plotly-basic.min.js"
#: The trace types the basic bundle draws.
BASIC_TRACES = frozenset({"bar", "scatter", "pie"})
ENV = env.PLOTLYJS


def _version(path: Path) -> str | None:
    """The version in a plotly.js bundle's licence header (``plotly.js ... v4.1.1``)."""
    try:
        with path.open(encoding="utf-8") as f:
            head = f.read(400)
    except OSError:
        return None
    found = re.search(r"plotly\.js\b[^\n]*?\bv(\d+\.\d+\.\d+)", head)
    return found.group(1) if found else None


def full_bundle() -> Path:
    """plotly.js as shipped inside the installed plotly package."""
    import plotly

    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


@cache
def _basic_matches() -> bool:
    basic = _version(BASIC)
    return basic is not None and basic == _version(full_bundle())


def uses_basic() -> bool:
    """Whether the basic bundle is the one in use (see the module's docstring)."""
    return env.get(ENV, "").strip().lower() != "full" and _basic_matches()


def bundle() -> Path:
    """The plotly.js file the site serves and kaleido loads."""
    return BASIC if uses_basic() else full_bundle()


def unsupported_traces(types: set[str]) -> set[str]:
    """Trace types the bundle in use cannot draw (none with the full bundle)."""
    return set(types) - BASIC_TRACES if uses_basic() else set()
