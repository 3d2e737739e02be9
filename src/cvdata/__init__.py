"""cvdata: a researcher's CV as tidy, validated tables.

``data/*.csv`` -> :func:`load` (read + validate) -> shaping and figures -> Quarto pages.
"""

from .load import CV, find_data_dir, load, resolve_as_of, validate
from .problems import DataDirError, Problem, ValidationError, format_report

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
