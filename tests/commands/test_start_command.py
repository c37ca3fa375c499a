"""``phrony-tui start`` against the simulator: the run starts with its input and its files
uploaded and referenced; anything wrong locally is refused before a single request."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from phrony_tui.sim import SimServer
from phrony_tui.starting import input_file, place
from tests.commands.conftest import Phrony, run_process, sim_env


def run_input(sim: SimServer, run_id: str) -> Any:
    """The input the simulator started the run with."""
    return sim.world.engine.runs[run_id].session.input


def stored(sim: SimServer, leaf: str) -> Any:
    """The simulator's file whose objectKey ends with ``leaf``."""
    (found,) = [f for f in sim.world.files.values() if f.object_key.rsplit("/", 1)[-1] == leaf]
    return found


def starts(sim: SimServer, agent: str) -> int:
    """How many runs of ``agent`` the simulator started."""
    return sum(
        1
        for r in sim.world.received
        if r.method == "POST" and r.path == f"/v1/agents/{sim.agents[agent]}/runs"
    )


def test_start_with_input_prints_one_json_line(phrony: Phrony, sim: SimServer) -> None:
    result = phrony("start", sim.agents["chat"], "--input", '{"topic": "agent runtimes"}')
    assert result.code == 0, result
    assert result.out.count("\n") == 1
    printed = result.json()
    assert set(printed) == {"runId", "sessionId", "status"}
    assert run_input(sim, printed["runId"]) == {"topic": "agent runtimes"}
    assert sim.world.engine.runs[printed["runId"]].session.id == printed["sessionId"]
    assert printed["status"] == "Running"


def test_start_with_input_from_a_file_and_no_input(
    phrony: Phrony, sim: SimServer, tmp_path: Path
) -> None:
    path = tmp_path / "input.json"
    path.write_text('\ufeff{\n  "count": 3\n}\n', encoding="utf-8")  # a BOM is fine
    result = phrony("start", sim.agents["firehose"], "--input-file", str(path))
    assert result.code == 0, result
    assert run_input(sim, result.json()["runId"]) == {"count": 3}
    bare = phrony("start", sim.agents["chat"])
    assert bare.code == 0 and run_input(sim, bare.json()["runId"]) == {}


def test_start_with_input_from_stdin(phrony: Phrony, sim: SimServer) -> None:
    result = phrony("start", sim.agents["chat"], "--input-file", "-", stdin='{"from": "stdin"}')
    assert result.code == 0, result
    assert run_input(sim, result.json()["runId"]) == {"from": "stdin"}


def test_start_as_a_process_with_pipes(sim: SimServer, tmp_path: Path) -> None:
    """What a script sees: stdin piped in, one JSON line out, nothing on stderr (no progress:
    it is not a terminal), even with files to upload."""
    note = tmp_path / "note.txt"
    note.write_bytes(b"remember the milk\n")
    done = run_process(
        "start",
        sim.agents["chat"],
        "--input-file",
        "-",
        "--file",
        "note=" + str(note),
        env=sim_env(sim, tmp_path),
        stdin=b'{"topic": "groceries"}',
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == b""
    (line,) = done.stdout.decode().splitlines()
    started = json.loads(line)
    value = run_input(sim, started["runId"])
    assert value["topic"] == "groceries"
    assert stored(sim, value["note"]["filename"]).data == b"remember the milk\n"


def test_two_files_are_uploaded_and_referenced_in_the_input(
    phrony: Phrony, sim: SimServer, tmp_path: Path
) -> None:
    photo = tmp_path / "photo.png"
    photo.write_bytes(b"\x89PNG fake image")
    nda = tmp_path / "nda.pdf"
    nda.write_bytes(b"%PDF-1.7 the agreement")
    result = phrony(
        "start",
        sim.agents["chat"],
        "--input",
        '{"case": {"id": 7}}',
        "--file",
        f"case.evidence={photo}",
        "--file",
        f"docs[]={nda}",
    )
    assert result.code == 0, result
    value = run_input(sim, result.json()["runId"])
    evidence, (doc,) = value["case"]["evidence"], value["docs"]
    assert value["case"]["id"] == 7
    assert evidence == {
        "phronyFile": True,
        "filename": evidence["filename"],
        "mediaType": "image/png",
    }
    assert doc["phronyFile"] is True and doc["mediaType"] == "application/pdf"
    # The filename is the leaf of the uploaded file's objectKey, which Phrony resolves.
    for ref, path in ((evidence, photo), (doc, nda)):
        file = stored(sim, ref["filename"])
        assert file.data == path.read_bytes() and file.finalized
        assert file.filename == path.name and file.media_type == ref["mediaType"]


def test_invalid_json_is_refused_with_its_position_and_nothing_sent(
    phrony: Phrony, sim: SimServer
) -> None:
    before = sim.world.request_count
    result = phrony("start", sim.agents["chat"], "--input", '{"topic": "x",\n "n": }', "--json")
    assert result.code == 2
    assert (
        "--input is not valid JSON: Expecting value at line 2, column 7 (offset 21)"
        in (result.lines[0])
    )
    error = result.error_json()
    assert (error["line"], error["column"], error["offset"], error["exit"]) == (2, 7, 21, 2)
    assert sim.world.request_count == before


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--input", "[1, 2]"], "--input must be a JSON object"),
        (["--input", '{"n": NaN}'], "NaN is not a JSON value at line 1, column 7"),
        (["--input", "{}", "--input-file", "-"], "--input or --input-file, not both"),
        (["--input-file", "/no/such/input.json"], "cannot read --input-file"),
        (["--file", "doc=/no/such/file.pdf"], "/no/such/file.pdf: no such file"),
        (["--file", "doc"], "--file takes FIELD=PATH"),
        (["--file", "docs[=x"], "'docs[' is not a field"),
        (["--input", '{"doc": "x"}', "--file", "doc.page=FILE"], "doc is not an object"),
        (["--file", "doc=DIR"], "is a folder, not a file"),
        (["--file", "doc=EMPTY"], "is empty; there is nothing to upload"),
        (["--file", "doc=FILE", "--file", "doc=FILE"], "two files for the field doc"),
        (["--file", "docs[2]=FILE"], "docs has 0 items; use [0] or [] to add one"),
    ],
)
def test_wrong_input_or_files_are_refused_before_anything_is_sent(
    phrony: Phrony, sim: SimServer, tmp_path: Path, args: list[str], expected: str
) -> None:
    (tmp_path / "empty").write_bytes(b"")
    (tmp_path / "file.txt").write_bytes(b"x")
    paths = {"DIR": str(tmp_path), "EMPTY": str(tmp_path / "empty")}
    paths["FILE"] = str(tmp_path / "file.txt")
    args = [_with_paths(a, paths) for a in args]
    before = sim.world.request_count
    result = phrony("start", sim.agents["chat"], *args)
    assert result.code == 2, result
    assert expected in result.err
    assert len(result.lines) == 1
    assert sim.world.request_count == before


def _with_paths(arg: str, paths: dict[str, str]) -> str:
    for name, path in paths.items():
        arg = arg.replace(f"={name}", f"={path}")
    return arg


def test_input_the_server_refuses_is_a_usage_error(phrony: Phrony, sim: SimServer) -> None:
    result = phrony("start", sim.agents["firehose"], "--input", '{"count": "lots"}', "--json")
    assert result.code == 2
    assert "the server answered 400: input.count must be a number" in result.err
    assert result.error_json()["status"] == 400


def test_unknown_agent_exits_4(phrony: Phrony, sim: SimServer) -> None:
    result = phrony("start", "no-such-agent", "--input", "{}", "--json")
    assert result.code == 4
    assert "the server answered 404" in result.lines[0]
    assert result.error_json()["exit"] == 4


def test_a_key_without_uploads_exits_3_and_starts_nothing(
    phrony: Phrony, sim: SimServer, tmp_path: Path
) -> None:
    note = tmp_path / "note.txt"
    note.write_bytes(b"hello")
    env = sim_env(sim, tmp_path, PHRONY_API_KEY=sim.world.key_named("no-uploads").secret)
    before = starts(sim, "chat")
    result = phrony("start", sim.agents["chat"], "--file", f"note={note}", env=env)
    assert result.code == 3, result
    assert "the server answered 403: file uploads are not enabled for this API key" in result.err
    assert starts(sim, "chat") == before
    # Without a file the same key starts runs.
    assert phrony("start", sim.agents["chat"], env=env).code == 0
    assert starts(sim, "chat") == before + 1


def test_a_key_out_of_scope_exits_3(phrony: Phrony, sim: SimServer, tmp_path: Path) -> None:
    env = sim_env(sim, tmp_path, PHRONY_API_KEY=sim.world.key_named("chat-only").secret)
    assert phrony("start", sim.agents["approval"], env=env).code == 3


def test_upload_progress_shows_when_stderr_is_a_terminal(sim: SimServer, tmp_path: Path) -> None:
    note = tmp_path / "notes.txt"
    note.write_bytes(b"n" * 1000)
    file_arg = ["--file", f"note={note}"]
    leader, follower = pty.openpty()
    base = {k: v for k, v in os.environ.items() if not k.startswith(("PHRONY_", "TEXTUAL"))}
    try:
        done = subprocess.run(
            [sys.executable, "-m", "phrony_tui.cli", "start", sim.agents["chat"], *file_arg],
            env=base | sim_env(sim, tmp_path),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=follower,
            timeout=90,
        )
        os.close(follower)
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal closed: everything was read
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(leader)
    assert done.returncode == 0
    assert json.loads(done.stdout)["runId"]
    assert b"Uploading notes.txt for note: 0%" in shown
    assert b"Uploading notes.txt for note: 100%" in shown


def test_open_into_a_pipe_follows_the_run_as_plain_lines(sim: SimServer, tmp_path: Path) -> None:
    """``--open`` opens the console on the started run; into a pipe that is plain lines,
    followed until the session ends, and no JSON line."""
    done = run_process(
        "start",
        sim.agents["firehose"],
        "--input",
        '{"count": 3}',
        "--open",
        env=sim_env(sim, tmp_path),
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.decode().splitlines()
    assert lines and not lines[0].startswith("{")
    assert "Completed" in done.stdout.decode()


@pytest.mark.parametrize(
    ("start", "field", "expected"),
    [
        ({}, "contract", {"contract": "REF"}),
        ({"case": {"id": 7}}, "case.evidence", {"case": {"id": 7, "evidence": "REF"}}),
        ({}, "docs[]", {"docs": ["REF"]}),
        ({"docs": ["a"]}, "docs[]", {"docs": ["a", "REF"]}),
        ({"docs": ["a"]}, "docs[0]", {"docs": ["REF"]}),
        ({"claims": [{}, {"n": 2}]}, "claims[1].photo", {"claims": [{}, {"n": 2, "photo": "REF"}]}),
        ({}, "grid[0][0]", {"grid": [["REF"]]}),
        ({"a": None}, "a.b", {"a": {"b": "REF"}}),
    ],
)
def test_where_a_file_goes_in_the_input(
    tmp_path: Path, start: dict[str, Any], field: str, expected: dict[str, Any]
) -> None:
    path = tmp_path / "f.txt"
    path.write_bytes(b"x")
    place(start, input_file(field, path), "REF")
    assert start == expected


@pytest.mark.parametrize(
    ("args", "what"),
    [
        (["--input", ""], "--input"),
        (["--input", "   \n"], "--input"),
        (["--input-file", "EMPTY"], "--input-file"),
        (["--input-file", "-"], "--input-file -"),
    ],
)
def test_an_empty_input_given_is_refused_and_nothing_starts(
    phrony: Phrony, sim: SimServer, tmp_path: Path, args: list[str], what: str
) -> None:
    """A pipeline whose upstream step printed nothing must not start a run with ``{}``."""
    (tmp_path / "empty.json").write_text("\n")
    args = [str(tmp_path / "empty.json") if a == "EMPTY" else a for a in args]
    before = sim.world.request_count
    result = phrony("start", sim.agents["chat"], *args, "--json", stdin="")
    assert result.code == 2, result
    assert f"the input is empty ({what}" in result.lines[0]
    assert "): give a JSON object, e.g. '{}'" in result.lines[0]
    assert result.error_json()["exit"] == 2
    assert sim.world.request_count == before
