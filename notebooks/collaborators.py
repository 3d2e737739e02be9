# %% [markdown]
# ---
# title: "Collaborators"
# # Shown only when the CV has something for it (cvdata.site).
# metadata-files:
#   - ../_cvdata/collaborators.yml
# ---

# %% [markdown]
# The co-authors who share most papers with the owner. Names are matched ignoring case and
# spacing and shown in their most common spelling; hover a bar to list the shared papers.

# %%
#| output: asis
from cvdata import figures, page, shape

p = page.setup()
people = shape.coauthors(p.cv, top=25)
caption, alt = figures.describe_coauthors(people)
fig = figures.coauthors(people, brand=p.brand)
p.figure(fig, label="fig-coauthors", caption=caption, alt=alt)
