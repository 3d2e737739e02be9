"""Quarto post-render step: see cvdata.postrender (pages left out; charts drawn ahead)."""

import importlib.util
import sys
import types

# cvdata.postrender without the package's __init__, which imports pandas: a third of a
# second at the end of every render for a step that needs only the standard library.
_spec = importlib.util.find_spec("cvdata")
if _spec is not None and _spec.submodule_search_locations:
    _package = types.ModuleType("cvdata")
    _package.__path__ = list(_spec.submodule_search_locations)
    sys.modules["cvdata"] = _package

from cvdata.postrender import main  # noqa: E402

raise SystemExit(main())
