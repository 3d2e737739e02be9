"""Quarto pre-render step: see cvdata.quarto.prerender (validate data/, plotly.js, freeze).

Two ways the step ends before importing anything heavy (both standard library only): in
the preview's renders of an edit the preview has done the step's work already
(cvdata.quarto.prerendered); and when nothing it reads changed since its last run and no
page will run (cvdata.quarto.fastpath), it says so and writes nothing.
"""

from cvdata.quarto import fastpath
from cvdata.quarto.prerendered import done_ahead

if done_ahead():
    print("pre-render: done by the preview")
    raise SystemExit(0)
if fastpath.skip():
    raise SystemExit(0)

from cvdata.quarto.prerender import main  # only when the step has work

raise SystemExit(main())
