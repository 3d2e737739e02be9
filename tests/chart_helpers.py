"""Every figure the pages draw, built from one CV: shared by the figure and snapshot tests."""

from __future__ import annotations

import plotly.graph_objects as go

import cvdata
from cvdata import figures, shape
from cvdata.theme import load_brand

BRAND = load_brand()
#: The figures :func:`all_figures` builds, by name (one snapshot each).
FIGURE_NAMES = (
    "timeline",
    "career_time",
    "venues",
    "years",
    "authorship",
    "coauthors",
    "skills",
    "skills_top",
    "skills_overview",
    "projects",
)


def all_figures(cv: cvdata.CV) -> dict[str, tuple[go.Figure, tuple[str, str]]]:
    roles, markers = shape.roles_timeline(cv), shape.timeline_markers(cv)
    t, v = shape.career_time(cv), shape.venue_counts(cv)
    y, a, c = shape.papers_by_year(cv), shape.authorship(cv), shape.coauthors(cv)
    s, s3 = shape.skills_years(cv), shape.skills_years(cv, per_category=3)
    o, p = shape.skills_by_category(cv), shape.projects_per_role(cv)
    return {
        "timeline": (
            figures.timeline(roles, as_of=cv.as_of, markers=markers, brand=BRAND),
            figures.describe_timeline(roles, cv.as_of, markers),
        ),
        "career_time": (figures.career_time(t, brand=BRAND), figures.describe_career_time(t)),
        "venues": (
            figures.publications_by_venue(v, brand=BRAND),
            figures.describe_publications_by_venue(v),
        ),
        "years": (
            figures.publications_by_year(y, brand=BRAND),
            figures.describe_publications_by_year(y),
        ),
        "authorship": (figures.authorship(a, brand=BRAND), figures.describe_authorship(a)),
        "coauthors": (figures.coauthors(c, brand=BRAND), figures.describe_coauthors(c)),
        "skills": (figures.skills(s, brand=BRAND), figures.describe_skills(s)),
        "skills_top": (figures.skills(s3, columns=2, brand=BRAND), figures.describe_skills(s3)),
        "skills_overview": (
            figures.skills_overview(o, brand=BRAND),
            figures.describe_skills_overview(o),
        ),
        "projects": (
            figures.projects_per_role(p, brand=BRAND),
            figures.describe_projects_per_role(p, shape.roles_without_projects(cv)),
        ),
    }
