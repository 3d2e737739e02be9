# %% [markdown]
# ---
# title: "Projects"
# # Shown only when the CV has something for it (cvdata.site).
# metadata-files:
#   - ../_cvdata/projects.yml
# ---

# %% [markdown]
# Projects per role, with the contributions listed under each project below. Hover a bar to
# list the role's projects.

# %%
#| output: asis
from cvdata import figures, page, shape

p = page.setup()
table = shape.projects_per_role(p.cv)
caption, alt = figures.describe_projects_per_role(table, shape.roles_without_projects(p.cv))
fig = figures.projects_per_role(table, brand=p.brand)
p.figure(fig, label="fig-projects", caption=caption, alt=alt)

# %%
#| output: asis
p.sections(["experience", "other-projects"])
