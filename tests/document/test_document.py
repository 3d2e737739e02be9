"""cvdata.document: what the CV says, before it becomes HTML or Typst."""

from __future__ import annotations

import dataclasses

import pandas as pd
from conftest import AS_OF, DATA_DIR, PROJECT

import cvdata
from cvdata.document import build, build_resume, header
from cvdata.document._format import _grade


def _lines(section) -> list[str]:
    return ["".join(r.text for r in line) for e in section.entries for line in e.lines]


def test_grades_are_written_as_people_write_them() -> None:
    assert [_grade(x) for x in (4.0, 4, 3.81, 3.9, 92, 100, 5)] == [
        "4.0", "4.0", "3.81", "3.9", "92", "100", "5.0"
    ]  # fmt: skip


def test_the_seed_cv_prints_its_gpas_as_the_cv_does() -> None:
    _, (education,) = build(cvdata.load(DATA_DIR, as_of=AS_OF), ["education"])
    gpas = [line for line in _lines(education) if "GPA" in line]
    assert gpas == [
        "Accumulated GPA: 4.0/4.0, High Distinct (HD)",
        "Accumulated GPA: 3.41/4.0",
        "Overall GPA: 3.9/4.0",
    ]


def test_roles_show_their_summary_and_description() -> None:
    cv = cvdata.load(PROJECT / "examples" / "career-changer", as_of=AS_OF)
    _, (experience,) = build(cv, ["experience"])
    work = cv.roles[cv.roles["kind"] != "education"]
    wanted = [*work["summary"].dropna(), *work["description"].dropna()]
    assert wanted and [t for t in wanted if t not in _lines(experience)] == []


def _text(runs) -> str:
    return "".join(r.text for r in runs)


def _example(name: str) -> cvdata.CV:
    return cvdata.load(PROJECT / "examples" / name, as_of=AS_OF)


def test_languages_and_interests_are_compact_sections() -> None:
    _, sections = build(_example("new-graduate"), ["languages", "interests"])
    languages, interests = sections
    assert languages.compact and interests.compact
    assert [_text(e.title) for e in languages.entries] == [
        "English: Native speaker", "Igbo: Conversational", "French: B1"
    ]  # fmt: skip
    assert [(_text(e.title), e.items) for e in interests.entries] == [
        ("Climbing: ", ("Bouldering", "Route setting")),
        ("Open data", ()),  # an interest without keywords, on its own
    ]


def test_sections_with_no_rows_are_left_out() -> None:
    # The seed CV has no languages, interests or references; the career changer no
    # interests, and a reference that is private.
    _, sections = build(cvdata.load(DATA_DIR, as_of=AS_OF))
    assert not {"languages", "interests", "references"} & {s.id for s in sections}
    _, sections = build(_example("career-changer"))
    assert "languages" in {s.id for s in sections}
    assert not {"interests", "references"} & {s.id for s in sections}


def test_only_public_references_are_shown() -> None:
    cv = _example("senior-engineer")
    refs = cv.references.copy()
    assert (refs["visibility"] == "private").all()  # as imported: private
    refs.loc[refs.index[1], "visibility"] = "public"
    _, (section,) = build(dataclasses.replace(cv, references=refs), ["references"])
    assert [_text(e.title) for e in section.entries] == ["Ingrid Holm, CTO of Nordvolt Cloud"]
    assert _lines(section) == ["The engineer I call when data is at stake."]
    # None of them in the résumé: the table has no résumé column.
    _, resume = build_resume(dataclasses.replace(cv, references=refs))
    assert "references" not in {s.id for s in resume}


def test_the_header_says_where_the_person_lives_and_each_contact_once() -> None:
    cv = _example("career-changer")
    head = header(cv)
    shown = [_text(c) for c in head.contacts]
    assert shown[0] == "Portland, Oregon 97214, US"
    assert "48 Alder Street" not in " ".join(shown)  # the street address is private
    assert "Tableau Public: dramirez" in shown
    # A contact whose value is its own address is shown once, not after its label.
    contacts = pd.concat(
        [
            cv.contacts,
            pd.DataFrame(
                [
                    {
                        "id": "home",
                        "kind": "website",
                        "label": "Website",
                        "value": "https://www.diego.example/",
                        "url": "https://diego.example",
                        "visibility": "public",
                        "notes": pd.NA,
                    }
                ]
            ).astype(cv.contacts.dtypes.to_dict()),
        ],
        ignore_index=True,
    )
    shown = [_text(c) for c in header(dataclasses.replace(cv, contacts=contacts)).contacts]
    assert shown[-1] == "https://www.diego.example/"
    assert sum("diego.example" in s for s in shown) == 1


def test_projects_show_roles_entity_type_and_keywords() -> None:
    _, (projects,) = build(_example("new-graduate"), ["other-projects"])
    hack = next(e for e in projects.entries if _text(e.title) == "Hack the Canal")
    assert [_text(line) for line in hack.lines] == [
        "Team lead, Android developer · Leeds Hack · application",
        "A 24-hour hackathon app that maps litter reports along the canal.",
        "Keywords: Kotlin, Firebase",
    ]


def test_education_shows_results_courses_and_links() -> None:
    _, (education,) = build(_example("new-graduate"), ["education"])
    leeds = education.entries[0]
    assert [r.href for r in leeds.subtitle] == ["https://www.leeds.ac.uk/"]
    assert [_text(line) for line in leeds.lines][:1] == ["Result: First-class honours"]
    assert "Courses: COMP1511 - Programming Fundamentals, COMP2221 - Databases" in _text(
        leeds.lines[1]
    )


def test_skills_show_their_level_and_a_category_without_keywords() -> None:
    cv = _example("new-graduate")
    _, (skills,) = build(cv, ["skills"])
    assert [(_text(e.title), len(e.items)) for e in skills.entries] == [
        ("Programming (Intermediate): ", 4), ("Data (Beginner): ", 3), ("Git (Advanced)", 0)
    ]  # fmt: skip


def test_awards_papers_and_certificates_say_what_the_resume_says() -> None:
    cv = _example("senior-engineer")
    _, sections = build(cv, ["awards", "publications-conference", "publications-journal"])
    awards, conference, papers = sections
    assert _text(awards.entries[0].title) == (
        "Best Paper Award, USENIX FAST, 17 Feb 2011 — For 'Crash consistency without ordering'."
    )
    # The USENIX FAST paper is a conference paper (its publisher names the conference).
    assert [e.date for e in conference.entries] == ["17 Feb 2011"]
    assert [e.date for e in papers.entries] == ["2024", "Jun 2021"]
    assert "Journal version of our TLA+ work at Nordvolt." in _lines(papers)
    _, (certs,) = build(_example("career-changer"), ["certifications"])
    assert [e.date for e in certs.entries] == ["Feb 2023", "12 Oct 2023", "2018"]
    assert certs.entries[1].title[0].href == "https://www.credly.com/badges/example-2"


def test_the_resume_shows_languages_only_where_a_fork_tags_them() -> None:
    cv = _example("career-changer")
    _, resume = build_resume(cv)
    assert "languages" not in {s.id for s in resume}  # no résumé column: none
    tagged = cv.languages.assign(resume=pd.array([True, False], dtype="boolean"))
    _, resume = build_resume(dataclasses.replace(cv, languages=tagged))
    (languages,) = [s for s in resume if s.id == "languages"]
    assert [_text(e.title) for e in languages.entries] == ["Spanish: Native speaker"]


def test_a_role_says_how_long_it_lasted_in_the_full_cv_only() -> None:
    """The date column says how long each role lasted (ongoing ones: so far, to the as-of
    date); the two-page résumé has no room for it."""
    cv = cvdata.load(DATA_DIR, as_of=AS_OF)
    _, (experience,) = build(cv, ["experience"])
    first = experience.entries[0]  # Together.AI, since May 2024, ongoing
    assert first.date.startswith("May 2024") and first.length == "2 years 6 months"
    assert all(e.length for e in experience.entries if e.date)
    _, sections = build_resume(cv)
    assert not any(e.length for s in sections for e in s.entries)
