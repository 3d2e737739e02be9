"""Synthetic CVs of any size, for edge-case tests and benchmarks.

``make_cv(n_papers, n_roles, n_projects, n_skills, seed=0)`` writes a complete data folder
(every table of the package, with the project's ``datapackage.json``) and loads it through
:func:`cvdata.load`, so what it returns has passed the same validation as real data. The
same seed always gives the same CV (the generator is :class:`random.Random`, not the
global one), and the shapes are realistic: roles of every kind that overlap, ongoing roles,
venues with and without acronyms, papers by year and status (some without a year or a
venue, as real CVs have), co-authors who recur across papers and whose names are
sometimes spelt with other case or spacing, projects with contribution bullets, and skills
in categories, some without years.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import tempfile
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

from .cells import ONGOING_EDUCATION_YEARS
from .load import CV, load
from .schema import DESCRIPTOR, default_package

AS_OF = dt.date(2026, 11, 26)

#: Rows by table name, as the builders below fill them in.
_Tables = dict[str, list[dict[str, object]]]
#: A role as the later tables need it: id, kind, start and end (month index; None: ongoing).
_Role = tuple[str, str, int, int | None]

_ORGS = [
    ("Northbridge University", "School of Computing"),
    ("Lakeside Institute of Technology", "Systems Lab"),
    ("Helios AI", "Inference Team"),
    ("Quanta Cloud", "Storage Group"),
    ("Riverside University", "Department of Computer Science"),
    ("Aurora Research", "Machine Learning Group"),
    ("Pinecrest Labs", ""),
    ("Meridian Systems", "Compiler Team"),
    ("Eastgate College", ""),
    ("Summit Data", "Platform Team"),
]
_TITLES = {
    "industry": ["Software Engineer", "Senior Research Scientist", "Staff Engineer", "ML Engineer"],
    "internship": ["Research Intern", "Software Engineering Intern", "Data Science Intern"],
    "research": ["Research Associate", "Postdoctoral Researcher", "Visiting Researcher"],
    "education": ["Bachelor of Science", "Master of Science", "Doctor of Philosophy (Ph.D.)"],
}
_KINDS = ["industry", "internship", "research", "education"]
_KIND_WEIGHTS = [3, 3, 2, 2]
_CITIES = ["Sydney, Australia", "Berlin, Germany", "Toronto, Canada", "Seattle, United States"]
_VENUES = [
    ("icml", "ICML", "International Conference on Machine Learning", "conference"),
    ("neurips", "NeurIPS", "Conference on Neural Information Processing Systems", "conference"),
    ("iclr", "ICLR", "International Conference on Learning Representations", "conference"),
    ("mlsys", "MLSys", "Conference on Machine Learning and Systems", "conference"),
    ("osdi", "OSDI", "Symposium on Operating Systems Design and Implementation", "conference"),
    ("sosp", "SOSP", "Symposium on Operating Systems Principles", "conference"),
    ("vldb", "VLDB", "International Conference on Very Large Data Bases", "conference"),
    ("sigmod", "SIGMOD", "International Conference on Management of Data", "conference"),
    ("atc", "ATC", "USENIX Annual Technical Conference", "conference"),
    ("eurosys", "EuroSys", "European Conference on Computer Systems", "conference"),
    ("sc", "SC", "International Conference for High Performance Computing", "conference"),
    (
        "ppopp",
        "PPoPP",
        "Symposium on Principles and Practice of Parallel Programming",
        "conference",
    ),
    ("acl", "ACL", "Annual Meeting of the Association for Computational Linguistics", "conference"),
    (
        "emnlp",
        "EMNLP",
        "Conference on Empirical Methods in Natural Language Processing",
        "conference",
    ),
    ("cvpr", "CVPR", "Conference on Computer Vision and Pattern Recognition", "conference"),
    ("icse", "ICSE", "International Conference on Software Engineering", "conference"),
    ("tpami", "TPAMI", "IEEE Transactions on Pattern Analysis and Machine Intelligence", "journal"),
    ("jmlr", "JMLR", "Journal of Machine Learning Research", "journal"),
    ("tpds", "TPDS", "IEEE Transactions on Parallel and Distributed Systems", "journal"),
    ("sensors", "", "Sensors", "journal"),
    ("cacm", "CACM", "Communications of the ACM", "journal"),
    ("workshop-efficient-ml", "", "Workshop on Efficient Machine Learning", "conference"),
    ("systems-letters", "", "Systems Letters", "journal"),
    ("arxiv", "arXiv", "arXiv", "preprint-server"),
]
_FIRST = [
    "Alex", "Wei", "Maria", "Jun", "Priya", "Tom", "Yuki", "Sara", "Omar", "Lena",
    "Chen", "Ravi", "Ana", "Kofi", "Mei", "Ivan", "Noor", "Lucas", "Hana", "Diego",
]  # fmt: skip
_LAST = [
    "Zhang", "Smith", "Garcia", "Wang", "Patel", "Nguyen", "Kim", "Müller", "Rossi", "Li",
    "Chen", "Okafor", "Silva", "Tanaka", "Ivanova", "Haddad", "Novak", "Dubois", "Sato", "Liu",
]  # fmt: skip
_TOPICS = [
    "Sparse Attention", "Speculative Decoding", "KV-Cache Compression", "Mixture of Experts",
    "Quantised Training", "Tensor Parallelism", "Serverless Inference", "Small-File Storage",
    "Graph Neural Networks", "Reinforcement Learning", "Diffusion Models", "Code Generation",
]  # fmt: skip
_VERBS = ["Scaling", "Accelerating", "Rethinking", "Understanding", "Compressing", "Serving"]
_LEVELS = ["Beginner", "Intermediate", "Advanced", "Master"]
_SKILL_CATEGORIES = {
    "Programming Languages": ["Python", "C", "C++", "Rust", "Go", "Java", "Julia", "CUDA"],
    "Machine Learning": ["PyTorch", "JAX", "TensorFlow", "Transformers", "vLLM", "Triton"],
    "Systems": ["Linux", "MPI", "Kubernetes", "Docker", "Slurm", "RDMA", "eBPF"],
    "Data": ["SQL", "Pandas", "Spark", "Arrow", "DuckDB", "Kafka"],
    "Web": ["TypeScript", "React", "Django", "Flask", "GraphQL"],
    "Tools": ["Git", "CMake", "Bazel", "Make", "Nix", "LaTeX"],
}
_AWARDS = ["Best Paper Award", "Outstanding Reviewer", "Graduate Scholarship", "Travel Grant"]
_AWARD_ISSUERS = ["NeurIPS", "ICML", "Northbridge University", "Riverside University", ""]


def _slug(text: str) -> str:
    out = "".join(c if c.isascii() and c.isalnum() else "-" for c in text.lower())
    return "-".join(p for p in out.split("-") if p)


def _ym(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def _add_months(year: int, month: int, n: int) -> tuple[int, int]:
    k = year * 12 + (month - 1) + n
    return k // 12, k % 12 + 1


def _tables(
    n_papers: int,
    n_roles: int,
    n_projects: int,
    n_skills: int,
    seed: int,
    as_of: dt.date,
    all_ongoing: bool,
) -> _Tables:
    # One generator drawn from in this order: the same seed gives the same tables.
    rng = random.Random(seed)
    t: _Tables = {name: [] for name in default_package().names}
    _person(t)
    last = as_of.year * 12 + as_of.month - 1  # months since year 0 of the as-of month
    first = last - 12 * 20
    roles = _roles(t, rng, n_roles, first, last, all_ongoing)
    _papers(t, rng, n_papers, first // 12 + 4, as_of)
    _projects(t, rng, n_projects, roles, first, last)
    _skills(t, rng, n_skills)
    _awards(t, rng, n_roles, roles, first, last)
    return t


def _person(t: _Tables) -> None:
    """The person and their one contact."""
    t["person"].append(
        {
            "id": "alex-example",
            "name": "Alex Example",
            "headline": "Research Scientist",
            "quote": "",
        }
    )
    t["contacts"].append(
        {
            "id": "email",
            "kind": "email",
            "label": "Email",
            "value": "alex@example.org",
            "url": "mailto:alex@example.org",
            "visibility": "public",
        }
    )


def _roles(
    t: _Tables, rng: random.Random, n_roles: int, first: int, last: int, all_ongoing: bool
) -> list[_Role]:
    """Roles, education and advisors; returns each role's id, kind, start and end month."""
    # Roles: a career of about twenty years; roles overlap (internships during a degree,
    # a research post beside a job); the most recent may still be going on.
    roles: list[_Role] = []
    for i in range(n_roles):
        kind = rng.choices(_KINDS, _KIND_WEIGHTS)[0] if n_roles > 1 else "industry"
        start = rng.randint(first, last - 1)
        length = rng.choice([3, 6, 9, 12, 24, 36, 48, 60])
        end: int | None = start + length - 1
        if all_ongoing or end >= last or (i == 0 and n_roles > 1):
            end = None  # ongoing
            if kind == "education":  # else its end reads as unknown (cells.end_state)
                start = max(start, last - 12 * ONGOING_EDUCATION_YEARS + 1)
        org, unit = rng.choice(_ORGS)
        role_id = f"role-{i + 1:03d}"
        roles.append((role_id, kind, start, end))
        t["roles"].append(
            {
                "id": role_id,
                "organisation": org,
                "unit": unit,
                "title": rng.choice(_TITLES[kind]),
                "kind": kind,
                "start": _ym(start // 12, start % 12 + 1),
                "end": "" if end is None else _ym(end // 12, end % 12 + 1),
                "location": rng.choice(_CITIES),
                "work_mode": rng.choice(["on-site", "remote", "remote-and-on-site"]),
                "projects_heading": "Projects",
            }
        )
        if kind == "education":
            t["education"].append({"role_id": role_id, "gpa": "3.9", "gpa_scale": "4.0"})
        if kind in ("research", "education") and rng.random() < 0.6:
            for pos in range(1, rng.randint(1, 2) + 1):
                t["advisors"].append(
                    {
                        "role_id": role_id,
                        "position": pos,
                        "name": f"{rng.choice(_FIRST)} {rng.choice(_LAST)}",
                        "title": "Professor",
                    }
                )
    return roles


def _papers(t: _Tables, rng: random.Random, n_papers: int, first_year: int, as_of: dt.date) -> None:
    """Venues, papers and their authors."""
    # Venues and papers. Co-authors come from a pool that grows with the number of papers;
    # a few recur often (a long collaboration), most appear once or twice.
    for vid, acronym, name, kind in _VENUES:
        t["venues"].append({"id": vid, "acronym": acronym, "name": name, "kind": kind})
    pool = max(8, int(n_papers**0.8))
    people = [
        f"{_FIRST[i % len(_FIRST)]} {_LAST[(i * 7 + i // 20) % len(_LAST)]}" for i in range(pool)
    ]
    people = list(dict.fromkeys(people))
    weights = [1 / (k + 1) ** 0.9 for k in range(len(people))]
    for i in range(n_papers):
        pid = f"paper-{i + 1:05d}"
        year: int | None = rng.randint(first_year, as_of.year)
        roll = rng.random()
        if roll < 0.06:
            kind, status, venue, year = "preprint", "preprint", "", None
        elif roll < 0.10:
            kind, status, venue, year = "conference", "forthcoming", "", None
        else:
            vid, _, _, vkind = rng.choice(_VENUES[:-1])
            venue = vid
            kind = "journal" if vkind == "journal" else "conference"
            if year is not None and year >= as_of.year - 1:
                status = rng.choice(["published", "accepted", "submitted", "under-review"])
            else:
                status = "published"
            if rng.random() < 0.04:
                year = None  # a year the author never wrote down
        if status in ("submitted", "under-review", "accepted") and year is not None:
            year = min(year, as_of.year)
        topic = rng.choice(_TOPICS)
        t["papers"].append(
            {
                "id": pid,
                "title": f"{rng.choice(_VERBS)} {topic}: Study {i + 1}",
                "type": kind,
                "status": status,
                "venue_id": venue,
                "year": "" if year is None else year,
                "authors_truncated": "false",
            }
        )
        if status == "forthcoming" and rng.random() < 0.5:
            continue  # author list not known yet
        n_auth = rng.randint(2, 8)
        names = []
        while len(names) < n_auth - 1:
            who = rng.choices(people, weights)[0]
            if who not in names:
                names.append(who)
        owner_at = 0 if rng.random() < 0.35 else rng.randint(1, n_auth - 1)
        names.insert(owner_at, "Alex Example")
        equal = rng.random() < 0.1
        for pos, who in enumerate(names, start=1):
            shown = who
            if who != "Alex Example" and rng.random() < 0.05:
                shown = who.upper() if rng.random() < 0.5 else who.replace(" ", "  ")
            t["paper_authors"].append(
                {
                    "paper_id": pid,
                    "position": pos,
                    "name": shown,
                    "equal_contribution": "true" if equal and pos <= 2 else "false",
                    "is_owner": "true" if who == "Alex Example" else "false",
                }
            )


def _projects(
    t: _Tables, rng: random.Random, n_projects: int, roles: list[_Role], first: int, last: int
) -> None:
    """Projects and their contributions."""
    # Projects: most belong to a role (never an education one when another exists); the
    # rest are listed as other projects with their own dates.
    work = [r for r in roles if r[1] != "education"] or roles
    paper_ids = [p["id"] for p in t["papers"]]
    for i in range(n_projects):
        prj = f"project-{i + 1:04d}"
        row: dict[str, object] = {
            "id": prj,
            "title": f"{rng.choice(_TOPICS)} Project {i + 1}",
            "motivation": "To make large models cheaper to run.",
        }
        if work and rng.random() < 0.85:
            row.update(listing="experience", role_id=rng.choice(work)[0])
        else:
            s = rng.randint(first, last - 1)
            e = min(s + rng.randint(0, 12), last)
            row.update(
                listing="other",
                start=_ym(s // 12, s % 12 + 1),
                end=_ym(e // 12, e % 12 + 1),
            )
        if paper_ids and rng.random() < 0.3:
            row["paper_id"] = rng.choice(paper_ids)
        t["projects"].append(row)
        for pos in range(1, rng.randint(1, 4) + 1):
            t["project_contributions"].append(
                {"project_id": prj, "position": pos, "text": f"Contribution {pos} to {prj}."}
            )


def _skills(t: _Tables, rng: random.Random, n_skills: int) -> None:
    """Skills, skill categories and languages."""
    # Skills: named from the category lists, numbered once a list runs out.
    cats = list(_SKILL_CATEGORIES)
    for i in range(n_skills):
        cat = cats[i % len(cats)]
        names = _SKILL_CATEGORIES[cat]
        k = i // len(cats)
        skill = names[k % len(names)] + ("" if k < len(names) else f" {k // len(names) + 1}")
        t["skills"].append(
            {
                "id": f"{_slug(skill)}-{i + 1}",
                "category": cat,
                "skill": skill,
                "years": "" if rng.random() < 0.05 else rng.randint(1, 15),
            }
        )

    # Skill categories with a level (JSON Resume's skills.level), and two languages; no
    # draw from rng, so every other table stays what the same seed always gave.
    for i, cat in enumerate(cats[: min(n_skills, len(cats))]):
        t["skill_categories"].append({"name": cat, "level": _LEVELS[i % len(_LEVELS)]})
    t["languages"] += [
        {"id": "english", "language": "English", "fluency": "Native speaker"},
        {"id": "german", "language": "German", "fluency": "Intermediate"},
    ]


def _awards(
    t: _Tables, rng: random.Random, n_roles: int, roles: list[_Role], first: int, last: int
) -> None:
    """Awards, by year."""
    # Awards: a few per role, by year; one without a year.
    for i in range(max(1, n_roles // 2)):
        role_id, _, start, end = rng.choice(roles) if roles else ("", "", first, None)
        year = rng.randint(start // 12, (end if end is not None else last) // 12)
        t["awards"].append(
            {
                "id": f"award-{i + 1:03d}",
                "name": rng.choice(_AWARDS),
                "issuer": rng.choice(_AWARD_ISSUERS),
                "year": "" if i == 0 and n_roles > 3 else year,
                "role_id": role_id if rng.random() < 0.5 else "",
            }
        )


def write_cv(
    folder: str | Path,
    n_papers: int = 22,
    n_roles: int = 15,
    n_projects: int = 40,
    n_skills: int = 107,
    seed: int = 0,
    *,
    as_of: dt.date = AS_OF,
    all_ongoing: bool = False,
) -> Path:
    """Write a synthetic CV's tables (and ``datapackage.json``) into ``folder``; returns it."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    tables = _tables(n_papers, n_roles, n_projects, n_skills, seed, as_of, all_ongoing)
    package = default_package()
    for table in package.tables:
        out = io.StringIO(newline="")
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(table.field_names)
        for row in tables[table.name]:
            writer.writerow(
                ["" if row.get(f) is None else row.get(f, "") for f in table.field_names]
            )
        (folder / table.path).write_bytes(out.getvalue().encode("utf-8"))
    descriptor = Path(__file__).with_name(DESCRIPTOR).read_bytes()
    (folder / DESCRIPTOR).write_bytes(descriptor)
    return folder


def _folder_or_temporary(folder: str | Path | None) -> AbstractContextManager[str | Path]:
    """The folder a synthetic CV is written to.

    Parameters
    ----------
    folder
        Where to write; ``None`` for a new temporary folder.

    Returns
    -------
    AbstractContextManager[str | Path]
        Yields ``folder`` itself (left in place on exit), or the temporary folder's path
        (removed with everything in it on exit).
    """
    if folder is not None:
        return nullcontext(folder)
    return tempfile.TemporaryDirectory(prefix="cvdata-synth-")


def make_cv(
    n_papers: int = 22,
    n_roles: int = 15,
    n_projects: int = 40,
    n_skills: int = 107,
    seed: int = 0,
    *,
    as_of: dt.date = AS_OF,
    all_ongoing: bool = False,
    folder: str | Path | None = None,
) -> CV:
    """A synthetic CV, validated and loaded like real data.

    Parameters
    ----------
    n_papers, n_roles, n_projects, n_skills
        Table sizes (any may be 0 except ``n_roles`` for a meaningful timeline).
    seed
        Same seed, same CV.
    all_ongoing
        Every role still going on at ``as_of`` (no end dates).
    folder
        Where to write the tables; a temporary folder (removed after loading) when omitted.
    """
    with _folder_or_temporary(folder) as where:
        # Loaded inside the block: a temporary folder is removed only once the CV is read.
        return load(
            write_cv(
                where,
                n_papers,
                n_roles,
                n_projects,
                n_skills,
                seed,
                as_of=as_of,
                all_ongoing=all_ongoing,
            ),
            as_of=as_of,
        )
