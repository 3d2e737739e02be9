"""Quarto pre-render step: see cvdata.quarto.prerender (validate data/, plotly.js, freeze).

In the preview's renders of an edit the preview has done the step's work already
(cvdata.quarto.prerendered): then nothing heavy is imported.
"""

from cvdata.quarto.prerendered import done_ahead

if done_ahead():
    print("pre-render: done by the preview")
    raise SystemExit(0)

from cvdata.quarto.prerender import main  # only when the step has work

raise SystemExit(main())
