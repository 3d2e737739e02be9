# %% [markdown]
# ---
# title: "Publications"
# # The CV's language (cvdata.i18n); shown only when the CV has something for it
# # (cvdata.quarto.site).
# metadata-files:
#   - ../_cvdata/language.yml
#   - ../_cvdata/publications.yml
# # The warm kernels' spec (cvdata.quarto.kernels; plain ipykernel when off or unavailable).
# jupyter: cvdata
# ---

# %% [markdown]
# Where the papers appeared, when, and in which author position. Colours stand for a paper's
# status and are the same in every chart; papers without a venue or a year are counted in
# their own bars.

# %%
#| output: asis
from cvdata import page

p = page.setup()
p.chart("venues", top=15)

# %% [markdown]
# ## Papers per year

# %%
#| output: asis
p.chart("years")

# %% [markdown]
# ## Authorship

# %%
#| output: asis
p.chart("authorship")
