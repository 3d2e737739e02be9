"""Quarto pre-render step: see cvdata.quarto.prerender (validate data/, plotly.js, freeze)."""

from cvdata.quarto.prerender import main

raise SystemExit(main())
