# %% [markdown]
# ---
# # The CV's language (cvdata.i18n); the page's title in it, and shown only when the CV
# # has something for it (cvdata.quarto.site: a title here would win over the file's). The
# # words are cvdata's (p.intro, headings of p.chart): no Markdown heading here for
# # Quarto's Jupyter fix-up to promote to the title.
# metadata-files:
#   - ../_cvdata/language.yml
#   - ../_cvdata/timeline.yml
# ---

# %%
#| output: asis
from cvdata import page

p = page.setup()
p.intro("timeline")
p.chart("timeline")

# %%
#| output: asis
p.chart("career_time", heading=p.words("heading.career-time"))
