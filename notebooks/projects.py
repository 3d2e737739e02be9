# %% [markdown]
# ---
# # The CV's language (cvdata.i18n); the page's title in it, and shown only when the CV
# # has something for it (cvdata.quarto.site: a title here would win over the file's). The
# # words are cvdata's (p.intro, headings of p.chart): no Markdown heading here for
# # Quarto's Jupyter fix-up to promote to the title.
# metadata-files:
#   - ../_cvdata/language.yml
#   - ../_cvdata/projects.yml
# ---

# %%
#| output: asis
from cvdata import page

p = page.setup()
p.intro("projects")
p.chart("projects")

# %%
#| output: asis
p.sections(["experience", "other-projects"])
