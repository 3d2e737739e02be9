# %% [markdown]
# ---
# title: "Skills"
# # The CV's language (cvdata.i18n); shown only when the CV has something for it
# # (cvdata.quarto.site).
# metadata-files:
#   - ../_cvdata/language.yml
#   - ../_cvdata/skills.yml
# # The warm kernels' spec (cvdata.quarto.kernels; plain ipykernel when off or unavailable).
# jupyter: cvdata
# ---

# %%
#| output: asis
# The opening sentence says what the charts show for this CV: years per skill where the CV
# gives them, else each category's level or just its skills.
from cvdata import page
from cvdata.charts import skills

p = page.setup()
p.markdown(page.md_escape(skills.describe_page(skills.table(p.cv))))
p.chart("skills_overview")

# %% [markdown]
# ## Every skill

# %%
#| output: asis
p.chart("skills")
