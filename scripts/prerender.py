"""Quarto pre-render step: see cvdata.prerender (validate data/, plotly.js, freeze)."""

from cvdata.prerender import main

raise SystemExit(main())
