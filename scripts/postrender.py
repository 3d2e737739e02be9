"""Quarto post-render step: see cvdata.prerender.post_render (pages left out)."""

from cvdata.prerender import post_render

raise SystemExit(post_render())
