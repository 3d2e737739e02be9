# %% [markdown]
# ---
# title: "Career timeline"
# # The CV's language (cvdata.i18n); shown only when the CV has something for it
# # (cvdata.quarto.site).
# metadata-files:
#   - ../_cvdata/language.yml
#   - ../_cvdata/timeline.yml
# # The warm kernels' spec (cvdata.quarto.kernels; plain ipykernel when off or unavailable).
# jupyter: cvdata
# ---

# %% [markdown]
# Every role of the CV as a bar on a time axis, in lanes by kind. Hover a bar for the title,
# organisation, dates, place and advisors. Ongoing roles run to the as-of date and are
# hatched. Papers and awards are dated by year only, so they sit at mid-year, one dot each,
# stacked per year.

# %%
#| output: asis
from cvdata import page

p = page.setup()
p.chart("timeline")

# %% [markdown]
# ## Time per kind of role

# %%
#| output: asis
p.chart("career_time")
