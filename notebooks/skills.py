# %% [markdown]
# ---
# # The CV's language (cvdata.i18n); the page's title in it, and shown only when the CV
# # has something for it (cvdata.quarto.site: a title here would win over the file's). The
# # words are cvdata's (p.intro, headings of p.chart): no Markdown heading here for
# # Quarto's Jupyter fix-up to promote to the title.
# metadata-files:
#   - ../_cvdata/language.yml
#   - ../_cvdata/skills.yml
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

# %%
#| output: asis
p.chart("skills", heading=p.words("heading.every-skill"))
