"""Quarto post-render step: see cvdata.quarto.postrender (pages left out; charts drawn ahead).

The real package: ``import cvdata`` imports nothing heavy (its names are imported on first
use), so this step, run at the end of every render, costs no pandas.
"""

from cvdata.quarto.postrender import main

raise SystemExit(main())
