# %% [markdown]
# ---
# title: "Collaborators"
# # The CV's language (cvdata.i18n); shown only when the CV has something for it
# # (cvdata.quarto.site).
# metadata-files:
#   - ../_cvdata/language.yml
#   - ../_cvdata/collaborators.yml
# # The warm kernels' spec (cvdata.quarto.kernels; plain ipykernel when off or unavailable).
# jupyter: cvdata
# ---

# %% [markdown]
# The co-authors who share most papers with the owner. Names are matched ignoring case and
# spacing and shown in their most common spelling; hover a bar to list the shared papers.

# %%
#| output: asis
from cvdata import page

p = page.setup()
p.chart("coauthors", top=25)
