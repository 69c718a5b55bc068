"""Publishing: only what the last good build's manifest lists (index, each report's HTML,
PDF and chart tables), into a release folder of the project's own, switched in one
rename; two publishers at once, a web server reading all along, a rollback, and folders
that someone else put beside the releases."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import pwd
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import unavailable

from report_lib import paths
from report_lib.build import lock, system
from report_lib.build.cli import main

MARKER = ".report-lib-release"
RELEASE = re.compile(r"release-\d{6}")
REPORTS = ("alpha", "beta")


def _fake_build(out: Path, version: str, status: str = "ok") -> dict[str, bytes]:
    """A small outputs/ folder as a build leaves it, every file naming `version` (and of
    a length of its own), with stale files beside it that must never be published.
    Returns what a publish must copy: path relative to the site, and bytes."""
    site = {
        "index.html": f"<h1>reports, build {version}</h1>\n".encode() * 400,
        "index.zh.html": f"<h1>报告，版本 {version}</h1>\n".encode() * 400,
    }
    entries = []
    for number, report in enumerate(REPORTS, start=1):
        outputs = {
            "notebook": f"notebooks/{report}.ipynb",
            "html": f"{report}.html",
            "pdf": f"{report}.pdf",
            "tables": f"tables/{report}",
        }
        entries.append({"id": report, "title": report.title(), "outputs": outputs})
        size = 3000 * number + len(version)
        site[f"{report}.html"] = f"<p>{report} {version}</p>\n".encode() * size
        site[f"{report}.pdf"] = b"%PDF-1.4\n" + f"{report} {version} ".encode() * 2 * size
        site[f"tables/{report}/counts.csv"] = f"year,count\n2021,{number}{version}\n".encode()
        site[f"tables/{report}/shares.csv"] = f"crime,share\n{report},{version}\n".encode()
    stale = {
        "notebooks/alpha.ipynb": b"{}",
        "failed/beta.ipynb": b"{}",
        "gone.html": b"a report no longer listed",
        "gone.pdf": b"%PDF",
        "tables/gone/counts.csv": b"old",
        "tables/alpha/notes.txt": b"not a chart table",
        "bench.json": b"{}",
        ".work/alpha/tmp.html": b"half-written",
    }
    for name, data in {**site, **stale}.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(data)
    manifest = {"status": status, "revision": f"rev{version}", "reports": entries}
    (out / "manifest.json").write_text(json.dumps(manifest))
    return site


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != MARKER
    }


def _releases(target: Path) -> Path:
    return target.with_name(f".{target.name}.releases")


def _made_here(target: Path) -> list[Path]:
    return sorted(p for p in _releases(target).iterdir() if RELEASE.fullmatch(p.name))


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A checkout (the build lock lives at its root) with a build in outputs/."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _publish(*args: str | Path) -> int:
    return main(["publish", *(str(a) for a in args)])


def _one_line_error(capsys) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ") and "Traceback" not in err, err
    return err


def test_publish_copies_exactly_what_the_manifest_lists(project):
    site = _fake_build(project / "outputs", "1")
    assert _publish(project / "site") == 0
    assert _tree(project / "site") == site  # tables included; notebooks, failed/, stale: not


def test_a_publish_of_the_real_build_is_the_site_the_manifest_describes(built, tmp_path):
    target = tmp_path / "site"
    assert main(["publish", "--out", str(built.out), str(target)]) == 0
    manifest = json.loads((built.out / "manifest.json").read_text())
    expected = {"index.html", "index.zh.html", *manifest["downloads"]}
    for entry in manifest["reports"]:
        expected |= {entry["outputs"]["html"], entry["outputs"]["pdf"]}
        tables = built.out / entry["outputs"]["tables"]
        expected |= {p.relative_to(built.out).as_posix() for p in tables.glob("*.csv")}
    published = _tree(target)
    assert set(published) == expected
    assert any(name.endswith(".csv") for name in published)
    assert all(data == (built.out / name).read_bytes() for name, data in published.items())
    for link in re.findall(r'href="([^"#]+)"', published["index.html"].decode()):
        assert link in published, link


@pytest.mark.parametrize("status", ["building", "failed", "incomplete", None])
def test_publish_refuses_anything_but_an_ok_build(project, capsys, status):
    _fake_build(project / "outputs", "1")
    assert _publish(project / "site") == 0
    before = _tree(project / "site")
    _fake_build(project / "outputs", "2", status=status)
    assert _publish(project / "site") == 2
    assert f"the last build is {status}" in _one_line_error(capsys)
    assert _tree(project / "site") == before


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        ({"id": "../../etc"}, "id"),
        ({"id": "Alpha"}, "id"),
        ({"outputs": {"html": "../secret.html"}}, "outputs"),
        ({"outputs": {"tables": "../elsewhere"}}, "outputs"),
    ],
)
def test_publish_refuses_a_manifest_naming_other_files(project, capsys, entry, field):
    out = project / "outputs"
    _fake_build(out, "1")
    (project / "secret.html").write_text("not for the web")
    manifest = json.loads((out / "manifest.json").read_text())
    first = manifest["reports"][0]
    outputs = {**first["outputs"], **entry.get("outputs", {})}
    manifest["reports"][0] = {**first, **entry, "outputs": outputs}
    (out / "manifest.json").write_text(json.dumps(manifest))
    assert _publish(project / "site") == 2
    assert f"field '{field}'" in _one_line_error(capsys)
    assert not (project / "site").exists()


def test_publish_refuses_outputs_that_lead_outside_the_build(project, capsys):
    out = project / "outputs"
    _fake_build(out, "1")
    (project / "secret.txt").write_text("not for the web")
    (out / "alpha.pdf").unlink()
    (out / "alpha.pdf").symlink_to(project / "secret.txt")
    assert _publish(project / "site") == 2
    assert "outside" in _one_line_error(capsys)
    assert not (project / "site").exists()


def test_publish_refuses_a_table_name_it_cannot_vouch_for(project, capsys):
    _fake_build(project / "outputs", "1")
    (project / "outputs" / "tables" / "alpha" / "<b>.csv").write_text("x\n")
    assert _publish(project / "site") == 2
    assert "not a chart table's name" in _one_line_error(capsys)
    assert not (project / "site").exists()


def test_publish_refuses_a_target_it_did_not_make(project, capsys):
    _fake_build(project / "outputs", "1")
    (project / "folder").mkdir()
    (project / "elsewhere").mkdir()
    (project / "link").symlink_to(project / "elsewhere")
    for target in ("folder", "link"):
        assert _publish(project / target) == 2
        assert "not a link made by publish" in _one_line_error(capsys)
    assert (project / "link").readlink() == project / "elsewhere"
    (project / ".linked.releases").symlink_to(project / "elsewhere")
    assert _publish(project / "linked") == 2
    assert "not a folder made by publish" in _one_line_error(capsys)
    assert list((project / "elsewhere").iterdir()) == []
    assert _publish("--", "") == 2
    assert "PUBLISH_DIR" in _one_line_error(capsys)


def test_publish_waits_for_a_build_in_progress(project, capsys):
    _fake_build(project / "outputs", "1")
    with lock.held(project / paths.BUILD_LOCK, "report"):
        assert _publish("--wait", "0.3", project / "site") == 2
    waited, error = capsys.readouterr().err.splitlines()
    assert "waiting for another run" in waited and "holds the lock" in error
    assert not (project / "site").exists()
    assert _publish("--wait", "0.3", project / "site") == 0


def test_publish_leaves_everything_it_did_not_make(project):
    target = project / "site"
    releases = _releases(target)
    photos = releases / "photos"
    photos.mkdir(parents=True)
    (photos / "cat.jpg").write_bytes(b"\xff\xd8 a cat")
    (releases / "release-000001").mkdir()  # a release's name, but no marker
    (releases / "release-000001" / "notes.txt").write_text("mine")
    (releases / "readme.txt").write_text("mine too")
    outside = project / "outside"
    outside.mkdir()
    (outside / MARKER).write_text("")
    (releases / "release-000002").symlink_to(outside)  # a link, even with a marker
    for version in "12345":
        _fake_build(project / "outputs", version)
        assert _publish(target) == 0
    assert (photos / "cat.jpg").read_bytes() == b"\xff\xd8 a cat"
    assert (releases / "release-000001" / "notes.txt").read_text() == "mine"
    assert (releases / "readme.txt").read_text() == "mine too"
    assert (outside / MARKER).exists() and (releases / "release-000002").is_symlink()
    made = [p for p in _made_here(target) if (p / MARKER).is_file() and not p.is_symlink()]
    assert len(made) == 3  # the last three releases are kept for a rollback
    assert target.resolve() == made[-1].resolve()


def test_rollback_switches_to_the_previous_release(project, capsys):
    target = project / "site"
    sites = {}
    for version in "123":
        sites[version] = _fake_build(project / "outputs", version)
        assert _publish(target) == 0
    assert _tree(target) == sites["3"]
    assert _publish("--rollback", target) == 0
    assert _tree(target) == sites["2"]
    assert _publish("--rollback", target) == 0
    assert _tree(target) == sites["1"]
    capsys.readouterr()
    assert _publish("--rollback", target) == 2
    assert "no earlier release" in _one_line_error(capsys)
    assert _tree(target) == sites["1"]
    sites["4"] = _fake_build(project / "outputs", "4")
    assert _publish(target) == 0
    assert _tree(target) == sites["4"]


def test_rollback_of_a_site_never_published(project, capsys):
    assert _publish("--rollback", project / "site") == 2
    assert "nothing published" in _one_line_error(capsys)


def test_an_interrupted_publish_leaves_the_previous_site(project, monkeypatch):
    target = project / "site"
    first = _fake_build(project / "outputs", "1")
    assert _publish(target) == 0
    copies = []

    def copy_then_die(source, destination):
        if len(copies) == 2:
            raise KeyboardInterrupt  # the publish is stopped half-way through its copies
        copies.append(source)
        return shutil.copyfile(source, destination)

    second = _fake_build(project / "outputs", "2")
    with monkeypatch.context() as patched:
        patched.setattr(shutil, "copy2", copy_then_die)
        assert _publish(target) == 130
    assert _tree(target) == first
    assert _publish(target) == 0
    assert _tree(target) == second
    left = sorted(p.name for p in _releases(target).iterdir() if not p.name.startswith(".pub"))
    assert len(left) == 2 and all(RELEASE.fullmatch(name) for name in left), left


def test_two_publishers_at_once_never_leave_a_dangling_link(project):
    """Two processes publish to one target at once, round after round, while a thread
    watches the link: it must always lead to a whole site."""
    target = project / "site"
    sites = {v: _fake_build(project / f"out-{v}", v) for v in "ab"}
    assert _publish("--out", project / "out-a", target) == 0
    broken: list[str] = []
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            if not os.path.isfile(target / "index.html"):
                broken.append(os.readlink(target) if target.is_symlink() else "no link")
            time.sleep(0.001)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    command = [sys.executable, "-m", "report_lib.build.cli", "publish", "--out"]
    rounds, problems = 6, []
    try:
        for number in range(rounds):
            runs = [
                subprocess.Popen([*command, str(project / f"out-{v}"), str(target)], cwd=project)
                for v in "ab"
            ]
            assert [run.wait(timeout=120) for run in runs] == [0, 0]
            if _tree(target) not in (sites["a"], sites["b"]):
                problems.append(f"round {number}: the site is neither build")
            problems += [
                f"round {number}: {release.name} has no marker"
                for release in _releases(target).iterdir()
                if release.is_dir() and not (release / MARKER).is_file()
            ]
    finally:
        stop.set()
        watcher.join(timeout=10)
    assert not broken, f"the live link dangled {len(broken)} times in {rounds} rounds"
    assert not problems, problems
    assert len(_made_here(target)) == 3


# A web server reading all along: every response whole, of one build or the other.

PUBLISHES = 20
MAX_REQUESTS = 50_000
TIME_LIMIT_S = 120.0


def _nginx_binary() -> str:
    found = system.find_nginx()
    if found is None:
        unavailable("nginx is missing (Debian package 'nginx'; `make system` installs it)")
    return found


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _nginx_conf(root: Path, work: Path, port: int) -> str:
    """Serving `root` (a link, followed) on 127.0.0.1 only; every path nginx writes is
    in `work`. As root, the worker keeps the caller's user to read the test's folders."""
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};" if os.geteuid() == 0 else ""
    temp = "\n".join(
        f"  {kind}_temp_path {work / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""{user}
daemon off;
worker_processes 1;
pid {work / "nginx.pid"};
error_log {work / "error.log"} warn;
events {{ worker_connections 64; }}
http {{
{temp}
  access_log off;
  types {{ text/html html; application/pdf pdf; text/csv csv; }}
  default_type application/octet-stream;
  server {{
    listen 127.0.0.1:{port};
    root {root};
    disable_symlinks off;
  }}
}}
"""


@contextlib.contextmanager
def _nginx(root: Path, work: Path) -> Iterator[int]:
    """nginx serving `root` on a free port of 127.0.0.1; stopped whatever happens."""
    binary = _nginx_binary()
    work.mkdir()
    port = _free_port()
    (work / "nginx.conf").write_text(_nginx_conf(root, work, port))
    log = (work / "stderr.log").open("wb")
    server = subprocess.Popen(
        [binary, "-p", str(work), "-e", str(work / "error.log"), "-c", str(work / "nginx.conf")],
        stdout=log,
        stderr=log,
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            assert server.poll() is None, (work / "stderr.log").read_text()
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            assert time.monotonic() < deadline, "nginx did not start listening in 15 s"
            time.sleep(0.05)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


class _Reader(threading.Thread):
    """Fetches every page in a loop until told to stop, at most MAX_REQUESTS or
    TIME_LIMIT_S; a response counts as good only if it is whole and equals one build."""

    def __init__(self, port: int, versions: dict[str, dict[str, bytes]]) -> None:
        super().__init__(daemon=True)
        self.port, self.versions = port, versions
        self.stop = threading.Event()
        self.requests = 0
        self.failures: list[str] = []
        self.seen: Counter[str] = Counter()

    def run(self) -> None:
        deadline = time.monotonic() + TIME_LIMIT_S
        pages = sorted(next(iter(self.versions.values())))
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        while not self.stop.is_set() and time.monotonic() < deadline:
            for page in pages:
                if self.requests >= MAX_REQUESTS:
                    return
                self.requests += 1
                try:
                    connection.request("GET", f"/{page}")
                    response = connection.getresponse()
                    body = response.read()
                except (OSError, http.client.HTTPException) as exc:
                    self.failures.append(f"{page}: {exc!r}")
                    connection.close()
                    continue
                self._check(page, response, body)
        connection.close()

    def _check(self, page: str, response: http.client.HTTPResponse, body: bytes) -> None:
        length = response.getheader("Content-Length")
        which = [v for v, site in self.versions.items() if site[page] == body]
        if response.status != 200 or length != str(len(body)) or not which:
            self.failures.append(f"{page}: {response.status}, {len(body)} of {length} bytes")
        else:
            self.seen[which[0]] += 1


def test_nginx_serves_only_whole_pages_during_publishes(project, capsys):
    target = project / "site"
    versions = {v: _fake_build(project / f"out-{v}", v) for v in "ab"}
    assert _publish("--out", project / "out-a", target) == 0
    with _nginx(target, project / "nginx") as port:
        reader = _Reader(port, versions)
        reader.start()
        try:
            for number in range(PUBLISHES):
                time.sleep(0.05)
                assert _publish("--out", project / f"out-{'ba'[number % 2]}", target) == 0
            time.sleep(0.05)
        finally:
            reader.stop.set()
            reader.join(timeout=TIME_LIMIT_S)
    figures = (
        f"nginx load test: {reader.requests} requests during {PUBLISHES} publishes, "
        f"{len(reader.failures)} failed or partial; whole responses by build: {dict(reader.seen)}"
    )
    with capsys.disabled():
        print(f"\n{figures}")
    assert not reader.is_alive(), figures
    assert not reader.failures, f"{figures}; first: {reader.failures[:5]}"
    assert set(reader.seen) == {"a", "b"} and reader.requests >= 10 * len(versions["a"]), figures
