"""Hard failures (issue #15): one error line for every failure of the store and the command line.

Each test builds its own store or input in a temporary folder with the real command line
(click's CliRunner) and real pyoxigraph store files, and checks what a user sees: the exit
code, the one error line, and the store unchanged or complete.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from planlineage.cli import cli
from planlineage.extract.record import extract_file
from planlineage.graph.store import open_store

ROOT = Path(__file__).resolve().parent.parent
PLAN = ROOT / "data" / "004_5c5cafd7972287fb.txt"
TASK_LINE = "- Cụ thể hóa các chủ trương, chính sách trung ương, tỉnh, áp dụng phù hợp với điều kiện phường."


def _cli(*args, **kw):
    return CliRunner().invoke(cli, [str(a) for a in args], **kw)


def _errors(res) -> list[str]:
    return [line for line in res.stderr.splitlines() if line.startswith("Error:")]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    store = tmp_path_factory.mktemp("built") / "store"
    res = _cli("build", PLAN, "--store", store)
    assert res.exit_code == 0, res.stderr
    return store


@pytest.fixture
def store(built, tmp_path) -> Path:
    copy = tmp_path / "store"
    shutil.copytree(built, copy)
    return copy


def test_an_empty_current_file_is_named_and_rebuild_repairs_it(store):
    (store / "CURRENT").write_text("")
    res = _cli("lineage", PLAN.name, "--store", store)
    assert res.exit_code == 1
    assert _errors(res) == [f"Error: store file {store / 'CURRENT'} is damaged (Corruption: CURRENT file does not "
                            f"end with newline): rebuild with planlineage build --rebuild --store {store}"]
    assert "Traceback" not in res.stderr
    fixed = _cli("build", "--rebuild", PLAN, "--store", store)
    assert fixed.exit_code == 0, fixed.stderr
    with open_store(store, read_only=True) as s:
        assert s.sources() == [PLAN.name]


def test_a_truncated_table_file_is_named_by_every_command(store):
    victim = max(store.glob("*.sst"), key=lambda p: p.stat().st_size)
    with victim.open("r+b") as f:
        f.truncate(100)
    for args in (["lineage", PLAN.name], ["validate"], ["build", PLAN]):
        res = _cli(*args, "--store", store)
        assert res.exit_code == 1, args
        assert len(_errors(res)) == 1 and _errors(res)[0].startswith(f"Error: store file {store / victim.name} is damaged")
        assert _errors(res)[0].endswith(f"rebuild with planlineage build --rebuild --store {store}")


#: One file of each kind a store holds after a build (the largest of its kind); LOCK, LOG and
#: planlineage.lock are not checked (graph/store.py _UNCHECKED: nothing reads them).
STORE_FILE_KINDS = ["*.sst", "*.log", "MANIFEST-*", "OPTIONS-*", "CURRENT", "IDENTITY", "planlineage.json",
                    "planlineage.sums.json"]


@pytest.mark.parametrize("kind", STORE_FILE_KINDS)
def test_validate_finds_64_flipped_bytes_in_every_kind_of_store_file(store, kind):
    """RocksDB finds a damaged MANIFEST or CURRENT when it opens the store, but not a damaged write-ahead
    log (it replays up to the damage without a word), OPTIONS or IDENTITY file, nor a table block no
    query reads: the checksums the last writer recorded find them all."""
    assert _cli("validate", "--store", store).exit_code == 0
    victim = max(store.glob(kind), key=lambda p: p.stat().st_size)
    data = bytearray(victim.read_bytes())
    assert data, victim
    n = min(64, len(data))
    middle = (len(data) - n) // 2
    data[middle:middle + n] = bytes(b ^ 0xFF for b in data[middle:middle + n])
    victim.write_bytes(bytes(data))
    res = _cli("validate", "--store", store)
    assert res.exit_code == 1
    assert len(_errors(res)) == 1 and _errors(res)[0].startswith(f"Error: store file {store / victim.name} is damaged")
    assert _errors(res)[0].endswith(f"rebuild with planlineage build --rebuild --store {store}")
    assert "Traceback" not in res.stderr
    again = _cli("build", PLAN, "--store", store)  # the next build names it too, before RocksDB reads it
    assert again.exit_code == 1 and len(_errors(again)) == 1
    assert _errors(again)[0].startswith(f"Error: store file {store / victim.name} is damaged")
    fixed = _cli("build", "--rebuild", PLAN, "--store", store)  # what the line says to do works
    assert fixed.exit_code == 0, fixed.stderr
    assert _cli("validate", "--store", store).exit_code == 0
    with open_store(store, read_only=True) as s:
        assert s.sources() == [PLAN.name]


def test_validate_after_a_killed_build_finds_no_damage(tmp_path):
    """A killed writer leaves write-ahead log, MANIFEST and CURRENT changed: they are checked again only
    from the next clean close, the table files always."""
    import signal
    import subprocess
    import sys
    import time

    store = tmp_path / "store"
    assert _cli("build", PLAN, "--store", store).exit_code == 0
    proc = subprocess.Popen([sys.executable, "-m", "planlineage.cli", "build", str(ROOT / "data"), "--store", str(store)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    lock = store / "planlineage.lock"
    pid = str(proc.pid)
    while proc.poll() is None and lock.read_text(encoding="utf-8").strip() != pid:
        time.sleep(0.05)  # until the build holds the store
    time.sleep(1.0)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    res = _cli("validate", "--store", store)
    assert res.exit_code == 0, res.stderr
    assert _cli("build", ROOT / "data", "--store", store).exit_code == 0
    assert _cli("validate", "--store", store).exit_code == 0


def test_store_refuses_a_folder_of_user_files(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("my notes", encoding="utf-8")
    res = _cli("build", PLAN, "--store", folder)
    assert res.exit_code == 1
    assert _errors(res) == [f"Error: {folder}: not a planlineage store (it holds 'notes.txt'); "
                            "give a new or empty folder as --store"]
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]


@pytest.mark.parametrize("args", [
    ["lineage", "http://example.org/a b"],
    ["trace", "http://example.org/a>b"],
    ["query", "plan_tasks", "--param", "plan=http://example.org/a>b"],
])
def test_invalid_iris_give_one_line(store, args):
    res = _cli(*args, "--store", store)
    assert res.exit_code == 1
    assert len(_errors(res)) == 1
    assert "is not a valid IRI (Invalid IRI code point" in _errors(res)[0]
    assert "Traceback" not in res.stderr


def test_an_argument_that_is_not_utf8_is_refused(store):
    raw = b"\xff\xfeplan".decode("utf-8", "surrogateescape")
    res = _cli("lineage", raw, "--store", store)
    assert res.exit_code == 2
    assert "argument b'\\xff\\xfeplan' is not UTF-8 text" in res.stderr


def test_a_bad_endpoint_url_is_one_line():
    res = _cli("lineage", PLAN.name, "--endpoint", "not a url")
    assert res.exit_code == 1
    assert _errors(res) == ["Error: --endpoint 'not a url': not an http(s) URL (e.g. http://127.0.0.1:7878/query)"]


def test_missing_paths_get_one_line_each_and_the_rest_is_built(tmp_path):
    store = tmp_path / "store"
    gone1, gone2 = tmp_path / "gone1.txt", tmp_path / "gone2.txt"
    res = _cli("build", gone1, PLAN, gone2, "--store", store)
    assert res.exit_code == 1
    assert _errors(res) == [f"Error: {gone1}: cannot be read (No such file or directory)",
                            f"Error: {gone2}: cannot be read (No such file or directory)"]
    assert "1 of 3 documents loaded" in res.stderr
    with open_store(store, read_only=True) as s:
        assert s.sources() == [PLAN.name]


def test_a_file_named_like_a_bundled_query_does_not_replace_it(store, tmp_path, monkeypatch):
    expected = _cli("query", "units_leading_training", "--format", "json", "--store", store)
    here = tmp_path / "cwd"
    here.mkdir()
    (here / "units_leading_training").write_text("SELECT ?x WHERE { ?x ?y ?z } LIMIT 1\n", encoding="utf-8")
    monkeypatch.chdir(here)
    res = _cli("query", "units_leading_training", "--format", "json", "--store", store)
    assert res.exit_code == 0 and expected.exit_code == 0
    assert res.output == expected.output


def test_control_characters_never_reach_the_graph_or_the_terminal(tmp_path):
    text = PLAN.read_text(encoding="utf-8")
    text = text.replace(TASK_LINE, TASK_LINE[:-1] + " \x1b[2J\x1b]0;pwned\x07 an\x7ftoàn.", 1)
    text = text[:5000] + "\x00" * 10 + text[5000:]  # NUL after the first 4 KB too
    path = tmp_path / "esc.txt"
    path.write_text(text, encoding="utf-8")
    store = tmp_path / "store"
    assert _cli("build", path, "--store", store).exit_code == 0
    out = tmp_path / "g.graphml"
    res = _cli("export", "--format", "graphml", "-o", out, "--store", store)
    assert res.exit_code == 0, res.stderr
    data = out.read_bytes()
    assert b"\x00" not in data and b"\x1b" not in data and "antoàn".encode() in data
    tasks = _cli("query", "plan_tasks", "--param", f"plan={path.name}", "--store", store)
    assert "\x1b" not in tasks.output


def test_a_text_plan_quoting_pdf_in_its_first_kilobyte_is_read_as_text(tmp_path):
    lines = PLAN.read_text(encoding="utf-8").split("\n")
    lines.insert(3, "(Bản chụp gửi kèm: tệp %PDF-1.7 đính kèm)")
    path = tmp_path / "quote.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    record = extract_file(path)
    assert record["format"] == "txt" and record["tasks"]


def test_a_pdf_with_bytes_after_its_end_is_read(tmp_path):
    from tests.test_inputs import make_text_pdf

    pdf = make_text_pdf(PLAN, tmp_path / "plan.pdf")
    pdf.write_bytes(pdf.read_bytes() + b"\n" + b"trailing garbage " * 400)
    record = extract_file(pdf)
    assert record["format"] == "pdf" and record["tasks"]


@pytest.mark.parametrize("encoding", ["utf-32", "utf-32-le", "utf-32-be"])
def test_utf32_text_is_read_as_text(tmp_path, encoding):
    path = tmp_path / f"{encoding}.txt"
    path.write_bytes(PLAN.read_text(encoding="utf-8").encode(encoding))
    record = extract_file(path)
    assert record["encoding"].startswith("utf-32")
    assert [t["text"] for t in record["tasks"]] == [t["text"] for t in extract_file(PLAN)["tasks"]]


def test_report_file_names_stay_bounded_for_a_very_long_unit_name(tmp_path):
    text = PLAN.read_text(encoding="utf-8")
    long_unit = "Phòng Văn hoá – Xã hội phường " + " ".join(["khu dân cư số mười hai phía bắc sông Trà"] * 9)
    assert len(long_unit) > 366
    text = text.replace("- Cơ quan chủ trì thực hiện: Phòng Văn hoá – Xã hội phường.",
                        f"- Cơ quan chủ trì thực hiện: {long_unit}.", 1)
    path = tmp_path / "long-unit.txt"
    path.write_text(text, encoding="utf-8")
    store, site = tmp_path / "store", tmp_path / "site"
    assert _cli("build", path, "--store", store).exit_code == 0
    with open_store(store, read_only=True) as s:
        names = [r["n"].value for r in s.query("SELECT DISTINCT ?n WHERE { ?u a org:Organization ; skos:prefLabel ?n }").rows]
    assert max(map(len, names)) > 300  # the long name is in the graph
    res = _cli("report", "-o", site, "--store", store)
    assert res.exit_code == 0, res.stderr
    assert (site / "index.html").is_file()
    assert max(len(p.name.encode("utf-8")) for p in site.iterdir()) <= 255


@pytest.fixture
def small_disk(tmp_path):
    """A real 2 MB file system (tmpfs; needs the right to mount, as root in the CI container)."""
    import subprocess

    mnt = tmp_path / "disk"
    mnt.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mnt)], capture_output=True).returncode:
        pytest.skip("cannot mount a small file system here")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def _disk_full_build(store) -> list[str]:
    """Build the bundled plans into ``store`` on a full disk: RETURNS the lines of stderr, after checking
    that the build failed without a traceback and that its last line names the full disk and what to do."""
    res = _cli("build", ROOT / "data", "--store", store)
    assert res.exit_code == 1
    assert "Traceback" not in res.stderr
    lines = res.stderr.strip().splitlines()
    assert lines[-1].startswith(f"Error: {store}: cannot write the store (IO error: No space left on device")
    assert lines[-1].endswith("free disk space, then run the build again to complete it")
    return lines


def test_disk_full_during_build_is_one_line_with_a_summary_and_the_next_build_completes(small_disk):
    import subprocess

    store = small_disk / "store"
    lines = _disk_full_build(store)
    assert lines[-2].endswith("not reached") and " of 5 documents written before the store failed" in lines[-2]
    subprocess.run(["mount", "-o", "remount,size=256m", str(small_disk)], check=True)
    again = _cli("build", ROOT / "data", "--store", store)
    assert again.exit_code == 0, again.stderr
    with open_store(store, read_only=True) as s:
        assert len(s.sources()) == 5
    assert _cli("validate", "--store", store).exit_code == 0


def _document_graphs(store) -> dict:
    """{graph IRI: its triples} of every document graph (not the derived graph, not the store's own)."""
    from planlineage.graph.iris import DERIVED_GRAPH, STORE_GRAPH

    out: dict = {}
    for q in store.quads():
        if q.graph_name not in (DERIVED_GRAPH, STORE_GRAPH):
            out.setdefault(str(q.graph_name), set()).add((str(q.subject), str(q.predicate), str(q.object)))
    return out


@pytest.fixture
def ext4_disk(tmp_path):
    """A real 16 MB ext4 file system on a loop device (needs root and a loop device, as in the CI
    container), filled by one file to 1 MB short of full: RocksDB meets ENOSPC while it appends to
    its write-ahead log in the middle of a document, not only when it writes tables (tmpfs above)."""
    import shutil as sh
    import subprocess

    image, mnt = tmp_path / "disk.img", tmp_path / "ext4"
    mnt.mkdir()
    with image.open("wb") as f:
        f.truncate(16 * 2 ** 20)
    if not sh.which("mkfs.ext4") or subprocess.run(["mkfs.ext4", "-q", "-F", "-m", "0", str(image)],
                                                   capture_output=True).returncode:
        pytest.skip("mkfs.ext4 not available")
    if subprocess.run(["mount", "-o", "loop", str(image), str(mnt)], capture_output=True).returncode:
        pytest.skip("cannot mount a loop device here")
    try:
        free = sh.disk_usage(mnt).free
        subprocess.run(["fallocate", "-l", str(free - 2 ** 20), str(mnt / "filler")], check=True)
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def test_disk_full_on_ext4_stops_the_build_with_one_line_and_leaves_whole_documents(ext4_disk):
    store = ext4_disk / "store"
    lines = _disk_full_build(store)
    assert len([line for line in lines if line.startswith("Error:")]) == 1  # the documents after it are not blamed
    written, _, rest = lines[-2].partition(" of 5 documents written before the store failed, 0 failed, ")
    assert rest == f"{5 - int(written)} not reached" and int(written) < 5
    with open_store(store, read_only=True) as s:
        stored = s.sources()
        graphs = _document_graphs(s)
    assert len(stored) == int(written) and len(graphs) == int(written)
    assert _cli("validate", "--store", store).exit_code == 0
    clean = ext4_disk.parent / "clean"  # the same documents built on a disk with room: the same graphs
    assert _cli("build", *[ROOT / "data" / name for name in stored], "--store", clean).exit_code == 0
    with open_store(clean, read_only=True) as s:
        assert _document_graphs(s) == graphs
    (ext4_disk / "filler").unlink()  # free disk space, as the line says
    again = _cli("build", ROOT / "data", "--store", store)
    assert again.exit_code == 0, again.stderr
    with open_store(store, read_only=True) as s:
        assert len(s.sources()) == 5
    assert _cli("validate", "--store", store).exit_code == 0


def test_an_escape_sequence_in_an_argument_is_not_echoed_raw(store):
    res = _cli("lineage", "x\x1b]0;pwned\x07", "--store", store)
    assert res.exit_code == 1
    assert "\x1b" not in res.stderr and "\x07" not in res.stderr
    assert _errors(res) == ["Error: plan x\\x1b]0;pwned\\x07: not found in the graph "
                            "(give a file name, a document number or an IRI)"]
