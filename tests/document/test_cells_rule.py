"""The document's builders read cells by :mod:`cvdata.cells`' one rule, as the exports do
(before it, the document showed a missing date as 'NaT' and the exports as '')."""

from __future__ import annotations

from cvdata import cells
from cvdata.document import _format, _publications


def test_the_document_reads_cells_by_the_one_rule() -> None:
    assert _format._s is cells.text and _publications._flag is cells.flag
