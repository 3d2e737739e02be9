"""Quarto post-render step: see cvdata.postrender (pages left out; charts drawn ahead).

The real package: ``import cvdata`` imports nothing heavy (its names are imported on first
use), so this step, run at the end of every render, costs no pandas.
"""

from cvdata.postrender import main

raise SystemExit(main())
