# %% [markdown]
# ---
# title: "Projects"
# # The CV's language (cvdata.i18n); shown only when the CV has something for it
# # (cvdata.quarto.site).
# metadata-files:
#   - ../_cvdata/language.yml
#   - ../_cvdata/projects.yml
# # The warm kernels' spec (cvdata.quarto.kernels; plain ipykernel when off or unavailable).
# jupyter: cvdata
# ---

# %% [markdown]
# Projects per role, with the contributions listed under each project below. Hover a bar to
# list the role's projects.

# %%
#| output: asis
from cvdata import page

p = page.setup()
p.chart("projects")

# %%
#| output: asis
p.sections(["experience", "other-projects"])
