# %% [markdown]
# ---
# title: "Skills"
# # Shown only when the CV has something for it (cvdata.site).
# metadata-files:
#   - ../_cvdata/skills.yml
# ---

# %%
#| output: asis
# The opening sentence says what the charts show for this CV: years per skill where the CV
# gives them, else each category's level or just its skills.
from cvdata import figures, page, shape

p = page.setup()
table = shape.skills_years(p.cv)
p.markdown(page.md_escape(figures.describe_skills_page(table)))
overview = shape.skills_by_category(p.cv)
caption, alt = figures.describe_skills_overview(overview)
fig = figures.skills_overview(overview, brand=p.brand)
p.figure(fig, label="fig-skills-overview", caption=caption, alt=alt)

# %% [markdown]
# ## Every skill

# %%
#| output: asis
caption, alt = figures.describe_skills(table)
fig = figures.skills(table, brand=p.brand)
p.figure(fig, label="fig-skills", caption=caption, alt=alt)
