"""cvdata: a researcher's CV as tidy, validated tables.

``data/*.csv`` -> :func:`load` (read + validate) -> shaping and figures -> Quarto pages.

``import cvdata`` is cheap: the public names are imported on first use (PEP 562), so the
post-render step and ``cvdata --help`` never import pandas or plotly.

``cvdata.load`` and ``cvdata.validate`` are modules (``import cvdata.validate;
cvdata.validate.check``) that can be called as the functions they always were:
``cvdata.load(folder)`` is :func:`cvdata.load.load`, ``cvdata.validate(folder)`` is
:func:`cvdata.load.validate`.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .load import CV, find_data_dir, load, resolve_as_of, validate
    from .problems import DataDirError, Problem, ValidationError, format_report

#: Each public name and the module it is imported from on first use.
_LAZY = {
    "CV": "load",
    "find_data_dir": "load",
    "load": "load",
    "resolve_as_of": "load",
    "validate": "load",
    "DataDirError": "problems",
    "Problem": "problems",
    "ValidationError": "problems",
    "format_report": "problems",
}
#: Submodules that are also called as the function of :mod:`cvdata.load` of their name.
_CALLABLE_MODULES = ("load", "validate")

__all__ = [
    "CV",
    "DataDirError",
    "Problem",
    "ValidationError",
    "find_data_dir",
    "format_report",
    "load",
    "resolve_as_of",
    "validate",
]
__version__ = "0.1.0"


class _CallableModule(types.ModuleType):
    """``cvdata.load`` / ``cvdata.validate``: the module, and called, that function."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        name = self.__name__.rpartition(".")[2]
        return getattr(importlib.import_module(f"{__name__}.load"), name)(*args, **kwargs)


class _Package(types.ModuleType):
    """This package: the import system binds a submodule to its name here on first import
    (``cvdata.validate = <module>``), which would hide the function of that name; the two
    named in ``_CALLABLE_MODULES`` become callable instead."""

    def __setattr__(self, name: str, value: object) -> None:
        if name in _CALLABLE_MODULES and type(value) is types.ModuleType:
            value.__class__ = _CallableModule
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


def __getattr__(name: str) -> Any:
    """A public name, imported from its module the first time it is asked for."""
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    if name in _CALLABLE_MODULES:
        # The module itself (its import binds it here, callable); asked for while
        # cvdata.load is still being imported too (``from . import validate`` in it).
        return importlib.import_module(f"{__name__}.{name}")
    value = getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
