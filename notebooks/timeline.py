# %% [markdown]
# ---
# title: "Career timeline"
# # Shown only when the CV has something for it (cvdata.site).
# metadata-files:
#   - ../_cvdata/timeline.yml
# ---

# %% [markdown]
# Every role of the CV as a bar on a time axis, in lanes by kind. Hover a bar for the title,
# organisation, dates, place and advisors. Ongoing roles run to the as-of date and are
# hatched. Papers and awards are dated by year only, so they sit at mid-year, one dot each,
# stacked per year.

# %%
#| output: asis
from cvdata import figures, page, shape

p = page.setup()
roles = shape.roles_timeline(p.cv)
markers = shape.timeline_markers(p.cv)
caption, alt = figures.describe_timeline(roles, p.cv.as_of, markers)
fig = figures.timeline(roles, as_of=p.cv.as_of, markers=markers, brand=p.brand)
p.figure(fig, label="fig-timeline", caption=caption, alt=alt)

# %% [markdown]
# ## Time per kind of role

# %%
#| output: asis
time = shape.career_time(p.cv)
caption, alt = figures.describe_career_time(time)
fig = figures.career_time(time, brand=p.brand)
p.figure(fig, label="fig-career-time", caption=caption, alt=alt)
