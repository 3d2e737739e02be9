"""A data folder from someone else (issue 19): its descriptor's patterns cannot hang
validation, and no malformed descriptor or resume ends in a traceback."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DATA_DIR, PROJECT, edit_cell

from cvdata._regex_safety import BACKREFERENCE, CONDITIONAL, EXPONENTIAL, TOO_MANY, refusal

ISSUE_PATTERN = r"^(?!(a+)+$)[\s\S]*$"

REFUSED: dict[str, str] = {
    ISSUE_PATTERN: EXPONENTIAL,
    r"^(?=(a+)+$)a*$": EXPONENTIAL,
    r"^(?<!(a+)+)b$": EXPONENTIAL,
    r"^(?:x(?=a+))*$": EXPONENTIAL,
    r"^(?>(a+)+)$": EXPONENTIAL,
    r"^(?:a+)++$": EXPONENTIAL,
    r"^(a|a)*$": EXPONENTIAL,
    r"^(a|ab)*c$": EXPONENTIAL,
    r"^(?:-a?a?)+$": EXPONENTIAL,
    r"^(?:-\w+\d*)+$": EXPONENTIAL,
    r"^(?i:(a|A)|a)+$": EXPONENTIAL,
    r"(?i)^(?:-k+\u212a+)+$": EXPONENTIAL,  # the Kelvin sign is 'k' ignoring case
    r"^(?:-(?:a+a+)?)+$": EXPONENTIAL,
    r"^(a)\1*$": BACKREFERENCE,
    r"^(?P<x>a)(?P=x)+$": BACKREFERENCE,
    r"^(a)?(?(1)b|c)+$": CONDITIONAL,
    r"^(?!(a)?(?(1)a|b))": CONDITIONAL,
    "^" + "a?" * 25 + "a" * 25 + "$": TOO_MANY,
}
ACCEPTED = [
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
    r"^(https?://|mailto:)\S+$",
    r"^(?!-)[a-z]+$",
    r"(?i)^[a-z]+(?:-[a-z]+)*$",
    r"(?i)^(a|A)+$",
    r"^(?:-a+b+)+$",
    r"^(?:-(?:a+,)+)+$",
    r"^(?:-k+\u212a+)+$",
    r"^\d{4}(-\d{2})?$",
]


@pytest.mark.parametrize("pattern", list(REFUSED))
def test_a_pattern_that_may_backtrack_for_ever_is_refused(pattern: str) -> None:
    why = refusal(pattern)
    assert why is not None
    assert why == REFUSED[pattern]


@pytest.mark.parametrize("pattern", ACCEPTED)
def test_a_pattern_that_matches_in_linear_time_is_kept(pattern: str) -> None:
    assert refusal(pattern) is None


_ATOMS = ["a", "b", "[ab]", ".", r"\w", "(?:a|b)", "(?:a|ab)", "(?:a|a)", "-"]
_WRAPS = [
    "(?:{})",
    "({})",
    "(?={})",
    "(?!{})",
    "(?>{})",
    "(?:{}|a)",
    "(?:{}|b)",
    "(?i:{})",
    "(?:-{})",
]
_QUANTIFIERS = ["", "", "*", "+", "?", "{2}", "{1,3}", "*?", "++", "{2,}"]


def _pattern(rnd: random.Random, depth: int) -> str:
    if depth == 0 or rnd.random() < 0.3:
        body = rnd.choice(_ATOMS)
    else:
        body = "".join(_pattern(rnd, depth - 1) for _ in range(rnd.randint(1, 3)))
        body = rnd.choice(_WRAPS).format(body)
    return body + rnd.choice(_QUANTIFIERS)


def test_every_pattern_the_check_keeps_matches_a_hostile_cell_quickly() -> None:
    """Random nestings of groups, lookarounds, atomic groups, alternations and every kind
    of repetition: each one kept must fail on 28 characters (with a bad last one) quickly.
    An exponential pattern takes minutes there; a child process, since ``re`` cannot be
    interrupted, with one time limit for all."""
    rnd = random.Random(19)
    made = {"^" + _pattern(rnd, 4) + "$" for _ in range(3000)}
    kept = sorted(p for p in made if refusal(p) is None)
    refused = len(made) - len(kept)
    assert kept and refused > len(made) // 4
    cells = ["a" * 28 + "!", "ab" * 14 + "!", "-a" * 14 + "!", "a-" * 14 + "!"]
    code = (
        "import json, re, sys\n"
        "for p in json.loads(sys.stdin.read()):\n"
        "    print(p, flush=True)\n"
        f"    for cell in {cells!r}:\n"
        "        re.fullmatch(p, cell)\n"
    )
    try:
        done = subprocess.run(
            [sys.executable, "-c", code],
            input=json.dumps(kept),
            capture_output=True,
            text=True,
            timeout=60,
        )
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        pytest.fail(f"a kept pattern backtracks for ever: {out.splitlines()[-1:]}")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == kept


def _descriptor(folder: Path) -> dict:
    return json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))


def _write(folder: Path, descriptor: dict) -> None:
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")


def _no_traceback(done: subprocess.CompletedProcess, *names: str) -> None:
    assert done.returncode != 0, done.stdout
    assert "Traceback" not in done.stderr + done.stdout
    for name in names:
        assert name in done.stderr + done.stdout


@pytest.mark.parametrize(
    "command", [("validate",), ("upgrade", "--dry-run"), ("export", "jsonresume", "-o", "x.json")]
)
def test_the_issue_pattern_is_refused_not_run(
    broken_copy, run_cvdata, tmp_path: Path, command: tuple[str, ...]
) -> None:
    folder = broken_copy()
    d = _descriptor(folder)
    skills = next(r for r in d["resources"] if r["name"] == "skills")
    field = next(f for f in skills["schema"]["fields"] if f["name"] == "skill")
    field.setdefault("constraints", {})["pattern"] = ISSUE_PATTERN
    _write(folder, d)
    edit_cell(folder / "skills.csv", "cpp", "skill", "a" * 40 + "!")
    verb, *rest = command
    done = run_cvdata(verb, *rest[:1], str(folder), *rest[1:], cwd=tmp_path)
    _no_traceback(done, "datapackage.json", "field 'skill'", "exponential time")


def test_the_render_refuses_the_issue_pattern_before_running_it(broken_copy, tmp_path) -> None:
    """The render's pre-render step validates the folder: the pattern is refused there too
    (it hung on a 41-character cell)."""
    data = broken_copy()
    d = _descriptor(data)
    skills = next(r for r in d["resources"] if r["name"] == "skills")
    field = next(f for f in skills["schema"]["fields"] if f["name"] == "skill")
    field.setdefault("constraints", {})["pattern"] = ISSUE_PATTERN
    _write(data, d)
    edit_cell(data / "skills.csv", "cpp", "skill", "a" * 40 + "!")
    project = tmp_path / "project"
    project.mkdir()
    (project / "_quarto.yml").write_text("project:\n  type: website\n")
    env = {"CVDATA_DIR": str(data), "CVDATA_AS_OF": "2026-11-26", "PATH": ""}
    if "PYTHONPATH" in os.environ:
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    done = subprocess.run(
        [sys.executable, "-m", "cvdata.quarto.prerender"],
        cwd=project,
        env={**env, "QUARTO_PROJECT_ROOT": str(project)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    _no_traceback(done, "datapackage.json", "exponential time", "nothing was rendered")


def _copy(tmp_path: Path, name: str = "data", source: Path = DATA_DIR) -> Path:
    import shutil

    return Path(shutil.copytree(source, tmp_path / name))


def test_an_import_into_the_older_cvdata_fixture_says_to_upgrade(
    run_cvdata, tmp_path: Path
) -> None:
    _copy(tmp_path, "older", PROJECT / "tests" / "fixtures" / "older-cvdata" / "data")
    resume = {"basics": {"name": "Eve"}, "languages": [{"language": "Breton"}]}
    (tmp_path / "r.json").write_text(json.dumps(resume), encoding="utf-8")
    done = run_cvdata("import", "jsonresume", "r.json", "older", cwd=tmp_path)
    _no_traceback(
        done, "older/datapackage.json: has no table 'languages'", "`cvdata upgrade older`"
    )


def test_a_lone_surrogate_in_a_resume_is_named_by_its_json_path(run_cvdata, tmp_path: Path) -> None:
    (tmp_path / "r.json").write_text('{"basics": {"name": "Eve \\ud800"}}', encoding="utf-8")
    done = run_cvdata("import", "jsonresume", "r.json", "cv", cwd=tmp_path)
    _no_traceback(done, "r.json: basics.name: holds \\ud800")
    assert not (tmp_path / "cv").exists()


def test_an_import_into_a_folder_whose_descriptor_is_not_json_says_so(
    run_cvdata, tmp_path: Path
) -> None:
    folder = _copy(tmp_path)
    (folder / "datapackage.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "r.json").write_text('{"basics": {"name": "Eve"}}', encoding="utf-8")
    done = run_cvdata("import", "jsonresume", "r.json", "data", cwd=tmp_path)
    _no_traceback(done, "data/datapackage.json: not a valid data package descriptor")


def test_an_import_into_an_older_fork_without_a_table_says_to_upgrade(
    run_cvdata, tmp_path: Path
) -> None:
    """The README's upgrade scenario: a descriptor from before ``languages``."""
    folder = _copy(tmp_path)
    d = _descriptor(folder)
    d["resources"] = [r for r in d["resources"] if r["name"] != "languages"]
    _write(folder, d)
    (folder / "languages.csv").unlink()
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    resume = {"basics": {"name": "Eve"}, "languages": [{"language": "Breton"}]}
    (tmp_path / "r.json").write_text(json.dumps(resume), encoding="utf-8")
    done = run_cvdata("import", "jsonresume", "r.json", "data", cwd=tmp_path)
    _no_traceback(done, "data/datapackage.json: has no table 'languages'", "`cvdata upgrade data`")
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


@pytest.mark.parametrize(
    "command",
    [
        ("validate", "data"),
        ("upgrade", "data", "--dry-run"),
        ("import", "jsonresume", "r.json", "data", "--dry-run"),
        ("export", "jsonresume", "data", "-o", "x.json"),
    ],
)
@pytest.mark.parametrize("case", ["nul-in-path", "nested-700"])
def test_a_malformed_descriptor_is_a_message(
    run_cvdata, tmp_path: Path, case: str, command: tuple[str, ...]
) -> None:
    folder = _copy(tmp_path)
    d = _descriptor(folder)
    if case == "nul-in-path":
        d["resources"][1]["path"] = "sk\x00ills.csv"
        expected = "NUL byte" if command[0] == "upgrade" else "'path' must be the table's"
    else:
        d["resources"][1]["schema"]["fields"][0]["description"] = json.loads("[" * 700 + "]" * 700)
        expected = "nested more than 64 levels deep"
    _write(folder, d)
    (tmp_path / "r.json").write_text('{"basics": {"name": "Eve"}}', encoding="utf-8")
    done = run_cvdata(*command, cwd=tmp_path)
    _no_traceback(done, "data/datapackage.json", expected)


def test_a_pattern_ending_in_an_escaped_dollar_is_applied(broken_copy, as_of) -> None:
    """``^[a-z]+\\$`` asks for a literal '$' at the end: every shipped skill fails it (it
    was dropped unchecked when the anchors were stripped off as text)."""
    import cvdata

    folder = broken_copy()
    d = _descriptor(folder)
    skills = next(r for r in d["resources"] if r["name"] == "skills")
    field = next(f for f in skills["schema"]["fields"] if f["name"] == "skill")
    field.setdefault("constraints", {})["pattern"] = r"^[a-z+#. -]+\$"
    _write(folder, d)
    edit_cell(folder / "skills.csv", "cpp", "skill", "cpp$")
    problems = [str(p) for p in cvdata.validate(folder, as_of=as_of).problems]
    assert problems and all("data/skills.csv:" in p for p in problems)
    assert not [p for p in problems if "'cpp$'" in p]


def test_a_slow_pattern_the_check_keeps_runs_out_of_time_not_for_minutes(
    broken_copy, run_cvdata, tmp_path: Path
) -> None:
    """``^\\S+\\S+$`` is quadratic, not exponential: the check keeps it, and on a long cell
    with a space it would take minutes. Each cell gets a second, the pattern five in all;
    the cell is reported as not checked, and the run ends (a hang fails at the timeout)."""
    pattern = r"^\S+\S+$"
    assert refusal(pattern) is None  # kept by the safety check: only time bounds it
    folder = broken_copy()
    d = _descriptor(folder)
    skills = next(r for r in d["resources"] if r["name"] == "skills")
    field = next(f for f in skills["schema"]["fields"] if f["name"] == "note")
    field.setdefault("constraints", {})["pattern"] = pattern
    _write(folder, d)
    for skill in ("cpp", "python"):
        edit_cell(folder / "skills.csv", skill, "note", "b" * 130_000 + " x")
    done = run_cvdata("validate", str(folder), cwd=tmp_path)
    _no_traceback(done, "skills.csv")
    assert done.stdout.count("could not be checked: the pattern ^\\S+\\S+$ takes too long") == 2
