"""The glue with Quarto: what runs around a render and inside a page's kernel.

- :mod:`~cvdata.quarto.prerender`, :mod:`~cvdata.quarto.postrender`: the project's pre- and
  post-render steps (``scripts/prerender.py``, ``scripts/postrender.py``);
- :mod:`~cvdata.quarto.fastpath`: the pre-render step skipped when nothing it reads changed
  (standard library only);
- :mod:`~cvdata.quarto.site`: which pages of the website the CV has something for;
- :mod:`~cvdata.quarto.freeze`: which page read which table, so that an edit re-runs only
  the pages that read it;
- :mod:`~cvdata.quarto.execution`: which format, document and data folder an execution is
  for;
- :mod:`~cvdata.quarto.static`, :mod:`~cvdata.quarto.prefetch`: the PDF's static figures
  (kaleido, the figure cache) and their drawing ahead;
- :mod:`~cvdata.quarto.sass`: Quarto's dart-sass with the compiled theme kept between
  renders (``scripts/dart-sass``, named by ``QUARTO_DART_SASS``);
- :mod:`~cvdata.quarto.preview` (with ``preview_render``, ``preview_server`` and
  ``prerendered``): ``make preview``.

Nothing is imported here: the post-render step imports :mod:`cvdata.quarto.postrender`
alone, standard library only.
"""
