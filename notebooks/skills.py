# %% [markdown]
# ---
# title: "Skills"
# # Shown only when the CV has something for it (cvdata.site).
# metadata-files:
#   - ../_cvdata/skills.yml
# ---

# %% [markdown]
# Every skill of the CV with its years of experience, by category. Hover a category in the
# overview to list its skills; the chart below names each one.

# %%
#| output: asis
from cvdata import figures, page, shape

p = page.setup()
overview = shape.skills_by_category(p.cv)
caption, alt = figures.describe_skills_overview(overview)
fig = figures.skills_overview(overview, brand=p.brand)
p.figure(fig, label="fig-skills-overview", caption=caption, alt=alt)

# %% [markdown]
# ## Every skill

# %%
#| output: asis
table = shape.skills_years(p.cv)
caption, alt = figures.describe_skills(table)
fig = figures.skills(table, brand=p.brand)
p.figure(fig, label="fig-skills", caption=caption, alt=alt)
