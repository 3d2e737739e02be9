"""A data folder someone else prepared (a fork, a pull request, a shared zip) is untrusted:
a planted ``.cvdata-transaction`` must not reach outside it (issue 19, items 1 and 7), and
the scratch folders of an import into a new folder are removed by the next command
(item 10).

The journal names only plain file names of this folder's tables; recovery follows no link
in the staging folder or in the data folder; anything else is refused, nothing is moved,
the staging is left for a person, and every command says so and exits non-zero.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import AS_OF, DATA_DIR, PROJECT

import cvdata
from cvdata.formats import init_data_dir
from cvdata.transaction import (
    SCRATCH_MARKER,
    STAGING,
    TransactionError,
    data_transaction,
    new_folder,
    recover,
    remove_leftovers,
)

FIXTURES = PROJECT / "tests" / "fixtures" / "jsonresume"
ATTACKER = "ssh-ed25519 AAAA-ATTACKER\n"
SECRET = "-----BEGIN OPENSSH PRIVATE KEY----- secret\n"
BIB = "@article{k1,\n  title = {A paper},\n  author = {Eve Doe},\n  year = {2020},\n}\n"


def _folder(root: Path) -> Path:
    """A new valid data folder ``root/d`` (``cvdata init d --name Eve``)."""
    return init_data_dir(root / "d", {"id": "eve", "name": "Eve"})


def _journal(folder: Path, doc: object, staged: dict[str, str] | None = None) -> Path:
    """Plant ``.cvdata-transaction`` with ``doc`` as its journal and the ``staged`` files."""
    tables = folder / STAGING / "tables"
    tables.mkdir(parents=True, exist_ok=True)
    for name, text in (staged or {}).items():
        (tables / name).parent.mkdir(parents=True, exist_ok=True)
        (tables / name).write_text(text, encoding="utf-8")
    raw = doc if isinstance(doc, bytes) else json.dumps(doc).encode("utf-8")
    (folder / STAGING / "COMMIT.json").write_bytes(raw)
    return folder / STAGING


def _files(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (links not followed), by path: what must not change."""
    out = {}
    for path in sorted(root.rglob("*")):
        if path.is_symlink():
            out[path.relative_to(root).as_posix()] = b"-> " + os.readlink(path).encode()
        elif path.is_file():
            out[path.relative_to(root).as_posix()] = path.read_bytes()
    return out


def _cli(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """``python -m cvdata`` in ``cwd``, stopped after 60 s (on main some of these looped)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("CVDATA", "QUARTO"))}
    try:
        return subprocess.run(
            [sys.executable, "-m", "cvdata", *args], cwd=cwd, capture_output=True, text=True,
            env={**base, "CVDATA_AS_OF": AS_OF.isoformat(), **(env or {})}, timeout=60,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        pytest.fail(f"cvdata {' '.join(args)} did not finish in 60 s")


def _refused(done: subprocess.CompletedProcess, *needles: str) -> None:
    out = done.stdout + done.stderr
    assert done.returncode != 0, out
    assert "Traceback" not in out, out
    for needle in needles:
        assert needle in out, out


# ------------------------------------------------------------------ the attack


def _planted_link_attack(root: Path) -> tuple[Path, Path]:
    """The issue's reproduction: ``lnk`` -> a victim folder, a journal naming
    ``lnk/authorized_keys`` and the attacker's line staged under that name."""
    folder, victim = _folder(root), root / "victim"
    victim.mkdir()
    (folder / "lnk").symlink_to(victim)
    _journal(folder, {"version": 1, "files": [{"path": "lnk/authorized_keys"}]},
             {"lnk/authorized_keys": ATTACKER})  # fmt: skip
    return folder, victim


COMMANDS = {
    "validate": ["validate", "d"],
    "export": ["export", "jsonresume", "d"],
    "import bibtex": ["import", "bibtex", "refs.bib", "d"],
    "import jsonresume": ["import", "jsonresume", str(FIXTURES / "career-changer.json"), "d"],
    "upgrade": ["upgrade", "d"],
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_planted_journal_writes_nothing_through_a_link(tmp_path: Path, command: str) -> None:
    folder, victim = _planted_link_attack(tmp_path)
    (tmp_path / "refs.bib").write_text(BIB, encoding="utf-8")
    before = _files(folder)
    done = _cli(*COMMANDS[command], cwd=tmp_path)
    _refused(done, "d/.cvdata-transaction: COMMIT.json names", "'lnk/authorized_keys'",
             "nothing was moved", "rm -r d/.cvdata-transaction")  # fmt: skip
    assert list(victim.iterdir()) == []
    assert _files(folder) == before  # the staging is left for the user, nothing moved


@pytest.mark.parametrize("planted", ["journal", "staging link"])
def test_the_pre_render_step_refuses_a_planted_staging(tmp_path: Path, planted: str) -> None:
    """What ``make render`` runs first: on main it followed the link, or looped forever."""
    folder, victim = _planted_link_attack(tmp_path)
    wanted = ["'lnk/authorized_keys'", "nothing was moved"]
    if planted == "staging link":
        shutil.rmtree(folder / STAGING)
        (folder / STAGING).symlink_to(victim)
        wanted = [".cvdata-transaction: is a symbolic link (to "]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CVDATA", "QUARTO"))}
    try:
        done = subprocess.run(
            [sys.executable, "-c", "import sys, cvdata.quarto.prerender as p; sys.exit(p.main())"],
            cwd=tmp_path,
            env={**env, "CVDATA_DIR": str(folder), "CVDATA_AS_OF": AS_OF.isoformat(),
                 "CVDATA_NO_PREFETCH": "1", "QUARTO_PROJECT_ROOT": str(tmp_path)},
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        pytest.fail("the pre-render step did not finish in 60 s")
    _refused(done, "does not validate", *wanted)
    assert list(victim.iterdir()) == []


def test_dot_dot_moves_nothing_up(tmp_path: Path) -> None:
    """``../../X`` with no link: on main the folder's own X went two folders up."""
    root = tmp_path / "a" / "b"
    root.mkdir(parents=True)
    folder = _folder(root)
    (folder / "X").write_text("mine\n", encoding="utf-8")
    _journal(folder, {"version": 1, "files": [{"path": "../../X"}]})
    with pytest.raises(TransactionError, match=r"'\.\./\.\./X', which is not a plain file name"):
        recover(folder)
    assert not (tmp_path / "a" / "X").exists() and not (tmp_path / "X").exists()
    assert (folder / "X").read_text(encoding="utf-8") == "mine\n"
    assert (folder / STAGING / "COMMIT.json").exists()


def test_a_staged_link_pulls_no_outside_file_in(tmp_path: Path) -> None:
    """The reverse: a link in the staging folder must not bring ~/.ssh/id_rsa in."""
    folder = _folder(tmp_path)
    secret = tmp_path / "id_rsa"
    secret.write_text(SECRET, encoding="utf-8")
    staging = _journal(folder, {"version": 1, "files": [{"path": "papers.csv"}]})
    (staging / "tables" / "papers.csv").symlink_to(secret)
    before = (folder / "papers.csv").read_bytes()
    with pytest.raises(TransactionError, match=r"the staged tables/papers\.csv is a symbolic link"):
        recover(folder)
    assert (folder / "papers.csv").read_bytes() == before
    assert not (folder / "papers.csv").is_symlink()
    assert secret.read_text(encoding="utf-8") == SECRET


def test_a_staged_folder_that_is_a_link_pulls_nothing_in(tmp_path: Path) -> None:
    """``tables`` -> ~/.ssh and a journal naming a table: main moved the secret in."""
    folder = _folder(tmp_path)
    ssh = tmp_path / "ssh"
    ssh.mkdir()
    (ssh / "papers.csv").write_text(SECRET, encoding="utf-8")
    (folder / STAGING).mkdir()
    (folder / STAGING / "tables").symlink_to(ssh)
    (folder / STAGING / "COMMIT.json").write_text(
        json.dumps({"version": 1, "files": [{"path": "papers.csv"}]}), encoding="utf-8"
    )
    with pytest.raises(TransactionError, match=r"tables/ is a symbolic link.*nothing was moved"):
        recover(folder)
    assert (ssh / "papers.csv").read_text(encoding="utf-8") == SECRET
    assert SECRET not in (folder / "papers.csv").read_text(encoding="utf-8")


def test_a_table_that_is_a_link_is_not_replaced(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    outside = tmp_path / "outside.csv"
    outside.write_bytes((folder / "papers.csv").read_bytes())
    (folder / "papers.csv").unlink()
    (folder / "papers.csv").symlink_to(outside)
    _journal(folder, {"version": 1, "files": [{"path": "papers.csv"}]}, {"papers.csv": "x\n"})
    with pytest.raises(TransactionError, match=r"d/papers\.csv is a symbolic link"):
        recover(folder)
    assert (folder / "papers.csv").is_symlink()


def test_nothing_is_moved_when_any_file_is_refused(tmp_path: Path) -> None:
    """Every file is checked before the first rename."""
    folder = _folder(tmp_path)
    doc = {"version": 1, "files": [{"path": "papers.csv"}, {"path": "talks.csv"}]}
    staging = _journal(folder, doc, {"papers.csv": "planted\n"})
    (staging / "tables" / "talks.csv").symlink_to(tmp_path / "anything")
    before = _files(folder)
    with pytest.raises(TransactionError, match=r"tables/talks\.csv is a symbolic link"):
        recover(folder)
    assert _files(folder) == before


# ------------------------------------------------------------------ however it is written

BAD_JOURNALS = {
    "files not a list": {"version": 1, "files": {"path": "papers.csv"}},
    "files a string": {"version": 1, "files": "papers.csv"},
    "a list, not an object": [{"path": "papers.csv"}],
    "no version": {"files": [{"path": "papers.csv"}]},
    "version 2": {"version": 2, "files": [{"path": "papers.csv"}]},
    "path a number": {"version": 1, "files": [{"path": 5}]},
    "path a list": {"version": 1, "files": [{"path": ["papers.csv"]}]},
    "path null": {"version": 1, "files": [{"path": None}]},
    "no path": {"version": 1, "files": [{}]},
    "a bare name": {"version": 1, "files": ["papers.csv"]},
    "another key": {"version": 1, "files": [{"path": "papers.csv", "to": "/tmp/x"}]},
    "absolute": {"version": 1, "files": [{"path": "/tmp/cvdata-absolute-victim"}]},
    "NUL byte": {"version": 1, "files": [{"path": "papers.csv\u0000/../../x"}]},
    "backslashes": {"version": 1, "files": [{"path": "..\\..\\X"}]},
    "lone surrogate": {"version": 1, "files": [{"path": "\ud800"}]},
    "empty": {"version": 1, "files": [{"path": ""}]},
    "dot": {"version": 1, "files": [{"path": "."}]},
    "the staging folder": {"version": 1, "files": [{"path": STAGING}]},
    "a subfolder": {"version": 1, "files": [{"path": "tables/papers.csv"}]},
    "not a table": {"version": 1, "files": [{"path": "notes.txt"}]},
    "twice": {"version": 1, "files": [{"path": "papers.csv"}, {"path": "papers.csv"}]},
    "a long name": {"version": 1, "files": [{"path": "x" * 300}]},
}


@pytest.mark.parametrize("case", sorted(BAD_JOURNALS))
def test_a_journal_names_nothing_but_this_folders_tables(tmp_path: Path, case: str) -> None:
    folder = _folder(tmp_path)
    for name in ("notes.txt", "X", "x" * 200):
        (folder / name).write_text("mine\n", encoding="utf-8")
    _journal(folder, BAD_JOURNALS[case], {"papers.csv": "planted\n", "notes.txt": "planted\n"})
    before = _files(tmp_path)
    with pytest.raises(TransactionError, match="nothing was moved"):
        recover(folder)
    assert _files(tmp_path) == before  # nothing moved, the staging left as it was
    # The library's validate (the pages, the pre-render step) reports it the same way.
    result = cvdata.validate(folder, as_of=AS_OF)
    assert not result.ok and "nothing was moved" in result.problems[0].message


@pytest.mark.parametrize(
    "raw",
    [b"[" * 30_000 + b"]" * 30_000, b'{"version": 1, "files": [' + b'"a",' * 40_000 + b'"a"]}',
     b"\xff\xfe not utf-8", b'{"version": 1, "files": [{"path": "papers.csv"}]}'.ljust(70_000)],
    ids=["deeply nested", "huge", "not UTF-8", "padded past the limit"],
)  # fmt: skip
def test_a_journal_that_cannot_be_read_is_refused(tmp_path: Path, raw: bytes) -> None:
    folder = _folder(tmp_path)
    _journal(folder, raw, {"papers.csv": "planted\n"})
    before = _files(folder)
    done = _cli("validate", "d", cwd=tmp_path)
    _refused(done, "d/.cvdata-transaction", "rm -r d/.cvdata-transaction")
    assert _files(folder) == before


@pytest.mark.parametrize("kind", ["link", "folder", "fifo"])
def test_a_journal_that_is_not_a_file_is_refused(tmp_path: Path, kind: str) -> None:
    folder = _folder(tmp_path)
    elsewhere = tmp_path / "elsewhere.json"
    doc = {"version": 1, "files": [{"path": "papers.csv"}]}
    elsewhere.write_text(json.dumps(doc), encoding="utf-8")
    staging = _journal(folder, {}, {"papers.csv": "planted\n"})
    journal = staging / "COMMIT.json"
    journal.unlink()
    if kind == "link":
        journal.symlink_to(elsewhere)
    elif kind == "folder":
        journal.mkdir()
    else:
        os.mkfifo(journal)
    with pytest.raises(TransactionError, match=r"COMMIT\.json is"):
        recover(folder)
    assert "planted" not in (folder / "papers.csv").read_text(encoding="utf-8")
    assert os.path.lexists(journal)


def test_a_journal_cvdata_wrote_is_still_finished(tmp_path: Path) -> None:
    """The checks refuse nothing cvdata itself writes: tables of the descriptor, and a
    table the staged descriptor adds (an upgrade)."""
    folder = _folder(tmp_path)
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    papers = next(r for r in descriptor["resources"] if r.get("name") == "papers")
    descriptor["resources"].append({**papers, "name": "extra", "path": "extra.csv"})
    staged = {"papers.csv": (folder / "papers.csv").read_text(encoding="utf-8"),
              "extra.csv": (folder / "papers.csv").read_text(encoding="utf-8"),
              "datapackage.json": json.dumps(descriptor)}  # fmt: skip
    _journal(folder, {"version": 1, "files": [{"path": n} for n in staged]}, staged)
    assert "finished an import" in (recover(folder) or "")
    assert (folder / "extra.csv").is_file() and not (folder / STAGING).exists()


# ------------------------------------------------------------------ the staging folder itself


@pytest.mark.parametrize("command", ["validate", "export", "import bibtex", "upgrade"])
def test_a_staging_folder_that_is_a_link_is_refused_not_followed(
    tmp_path: Path, command: str
) -> None:
    """On main every command, and the render, looped forever here."""
    folder = _folder(tmp_path)
    (tmp_path / "refs.bib").write_text(BIB, encoding="utf-8")
    home = tmp_path / "home"
    home.mkdir()
    (home / "keep.txt").write_text("mine\n", encoding="utf-8")
    (folder / STAGING).symlink_to(home)
    done = _cli(*COMMANDS[command], cwd=tmp_path)
    _refused(done, "d/.cvdata-transaction: is a symbolic link (to ",
             "rm d/.cvdata-transaction")  # fmt: skip
    assert (folder / STAGING).is_symlink()
    assert (home / "keep.txt").read_text(encoding="utf-8") == "mine\n"


@pytest.mark.parametrize("kind", ["dangling link", "file"])
def test_a_staging_that_is_not_a_folder_is_refused(tmp_path: Path, kind: str) -> None:
    folder = _folder(tmp_path)
    if kind == "file":
        (folder / STAGING).write_text("x", encoding="utf-8")
    else:
        (folder / STAGING).symlink_to(tmp_path / "nowhere")
    with pytest.raises(TransactionError, match=r"(is a symbolic link|is not a folder)"):
        recover(folder)
    assert os.path.lexists(folder / STAGING)
    assert not cvdata.validate(folder, as_of=AS_OF).ok


def test_an_import_changes_only_regular_files_directly_in_the_folder(tmp_path: Path) -> None:
    """What a journal may name, a transaction may change: refused before staging."""
    folder = _folder(tmp_path)
    (tmp_path / "outside.csv").write_bytes((folder / "talks.csv").read_bytes())
    (folder / "talks.csv").unlink()
    (folder / "talks.csv").symlink_to(tmp_path / "outside.csv")
    with data_transaction(folder) as txn:
        with pytest.raises(TransactionError, match="directly in the data folder"):
            txn.write_bytes("sub/papers.csv", b"x")
        with pytest.raises(TransactionError, match=r"talks\.csv: is a symbolic link"):
            txn.write_bytes("talks.csv", b"x")
    assert (folder / "talks.csv").is_symlink()


def test_a_commit_recovery_would_refuse_is_refused_before_the_commit_point(
    tmp_path: Path,
) -> None:
    """A file no descriptor lists: a crash after the journal would leave it unfinishable."""
    folder = _folder(tmp_path)
    before = _files(folder)
    refused = pytest.raises(TransactionError, match=r"cannot commit.*'notes\.csv'.*nothing was")
    with refused, data_transaction(folder) as txn:
        txn.write_bytes("notes.csv", b"x\n")
        txn.commit()
    assert _files(folder) == before and not os.path.lexists(folder / STAGING)


# ------------------------------------------------------------------ scratch folders


def _scratch(root: Path, name: str = "cv") -> list[Path]:
    return sorted(root.glob(f".{name}.cvdata-new-*"))


@pytest.mark.parametrize("next_command", ["import", "validate"])
def test_a_killed_import_into_a_new_folder_leaves_nothing_after_the_next_command(
    tmp_path: Path, next_command: str
) -> None:
    source = str(FIXTURES / "career-changer.json")
    for step in ("staged", "journal-written"):
        done = _cli("import", "jsonresume", source, "cv", cwd=tmp_path,
                          env={"CVDATA_CRASH_AT": step})  # fmt: skip
        assert done.returncode != 0
    # The second import removed the first one's leftover; its own is left.
    left = _scratch(tmp_path)
    assert len(left) == 1 and (left[0] / SCRATCH_MARKER).is_file()
    if next_command == "import":
        done = _cli("import", "jsonresume", source, "cv", cwd=tmp_path)
        assert done.returncode == 0, done.stdout + done.stderr
        assert cvdata.validate(tmp_path / "cv", as_of=AS_OF).ok
        assert not (tmp_path / "cv" / SCRATCH_MARKER).exists()
    else:
        done = _cli("validate", "cv", cwd=tmp_path)
        assert done.returncode != 0  # no such folder: still, the leftovers are gone
    assert "Traceback" not in done.stdout + done.stderr
    assert _scratch(tmp_path) == []
    assert "left by an import into cv that was interrupted" in done.stderr


def test_only_scratch_folders_cvdata_made_and_left_are_removed(tmp_path: Path) -> None:
    target = tmp_path / "cv"
    # Not cvdata's: no marker, a marker of other content, a link to a folder with a marker.
    plain = tmp_path / ".cv.cvdata-new-plain"
    plain.mkdir()
    other = tmp_path / ".cv.cvdata-new-other"
    other.mkdir()
    (other / SCRATCH_MARKER).write_text("someone else's\n", encoding="utf-8")
    with new_folder(target) as live:  # a real one, left by a kill below
        real_marker = (live.path / SCRATCH_MARKER).read_bytes()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / SCRATCH_MARKER).write_bytes(real_marker)
    (tmp_path / ".cv.cvdata-new-link").symlink_to(elsewhere)
    with new_folder(target) as building:  # an import still building its folder: kept
        assert remove_leftovers(target) is None
        assert building.path.is_dir()
    dead = tmp_path / ".cv.cvdata-new-dead"
    dead.mkdir()
    (dead / SCRATCH_MARKER).write_bytes(real_marker)
    (dead / "contacts.csv").write_text("private\n", encoding="utf-8")
    note = remove_leftovers(target)
    assert note is not None and ".cv.cvdata-new-dead" in note
    assert not dead.exists()
    assert plain.is_dir() and other.is_dir() and (elsewhere / SCRATCH_MARKER).exists()
    assert (tmp_path / ".cv.cvdata-new-link").is_symlink()


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a folder to another user needs root")
def test_a_scratch_folder_of_another_user_is_kept(tmp_path: Path) -> None:
    target = tmp_path / "cv"
    with new_folder(target) as live:
        marker = (live.path / SCRATCH_MARKER).read_bytes()
    theirs = tmp_path / ".cv.cvdata-new-theirs"
    theirs.mkdir()
    (theirs / SCRATCH_MARKER).write_bytes(marker)
    os.chown(theirs / SCRATCH_MARKER, 65534, 65534)
    os.chown(theirs, 65534, 65534)
    assert remove_leftovers(target) is None
    assert theirs.is_dir()


def test_git_ignores_scratch_and_staging_folders() -> None:
    names = ["data/.cv.cvdata-new-abc123/contacts.csv", "data/.cvdata-transaction/COMMIT.json"]
    done = subprocess.run(["git", "check-ignore", "--no-index", *names], cwd=PROJECT,
                          capture_output=True, text=True)  # fmt: skip
    assert done.stdout.split() == names


# ------------------------------------------------------------------ the staged copy


def _linked_table(tmp_path: Path, target: Path) -> Path:
    folder = tmp_path / "cv"
    shutil.copytree(DATA_DIR, folder)
    (folder / "talks.csv").unlink()
    (folder / "talks.csv").symlink_to(target)
    return folder


def test_the_staged_copy_never_copies_a_table_linked_outside(tmp_path: Path) -> None:
    secret = tmp_path / "secret.csv"
    secret.write_text("id,title\nghp_TOPSECRET,x\n", encoding="utf-8")
    folder = _linked_table(tmp_path, secret)
    refused = pytest.raises(TransactionError, match=r"talks\.csv: is a link to .*outside the data")
    with refused, data_transaction(folder) as txn:
        txn.staged_dir()
    assert not (folder / STAGING).exists()  # left as it was
    copies = [
        p
        for p in tmp_path.rglob("*")
        if p.is_file() and not p.is_symlink() and b"ghp_TOPSECRET" in p.read_bytes()
    ]
    assert copies == [secret]


def test_the_staged_copy_refuses_a_pipe_without_waiting_for_it(tmp_path: Path) -> None:
    folder = tmp_path / "cv"
    shutil.copytree(DATA_DIR, folder)
    (folder / "talks.csv").unlink()
    os.mkfifo(folder / "talks.csv")
    refused = pytest.raises(TransactionError, match=r"talks\.csv: is not a regular file")
    with refused, data_transaction(folder) as txn:
        txn.read_bytes("talks.csv")
