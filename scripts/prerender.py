"""Quarto pre-render step: see cvdata.quarto.prerender (validate data/, plotly.js, freeze).

When nothing it reads changed since its last run, cvdata.quarto.fastpath (standard library
only) says so and the step ends there, without importing pandas or writing anything.
"""

from cvdata.quarto import fastpath

if fastpath.skip():
    raise SystemExit(0)

from cvdata.quarto.prerender import main  # only when there is work to do

raise SystemExit(main())
