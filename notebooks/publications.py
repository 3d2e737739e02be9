# %% [markdown]
# ---
# title: "Publications"
# # Shown only when the CV has something for it (cvdata.site).
# metadata-files:
#   - ../_cvdata/publications.yml
# ---

# %% [markdown]
# Where the papers appeared, when, and in which author position. Colours stand for a paper's
# status and are the same in every chart; papers without a venue or a year are counted in
# their own bars.

# %%
#| output: asis
from cvdata import figures, page, shape

p = page.setup()
venues = shape.venue_counts(p.cv, top=15)
caption, alt = figures.describe_publications_by_venue(venues)
fig = figures.publications_by_venue(venues, brand=p.brand)
p.figure(fig, label="fig-venues", caption=caption, alt=alt)

# %% [markdown]
# ## Papers per year

# %%
#| output: asis
years = shape.papers_by_year(p.cv)
caption, alt = figures.describe_publications_by_year(years)
fig = figures.publications_by_year(years, brand=p.brand)
p.figure(fig, label="fig-years", caption=caption, alt=alt)

# %% [markdown]
# ## Authorship

# %%
#| output: asis
roles = shape.authorship(p.cv)
caption, alt = figures.describe_authorship(roles)
fig = figures.authorship(roles, brand=p.brand)
p.figure(fig, label="fig-authorship", caption=caption, alt=alt)
