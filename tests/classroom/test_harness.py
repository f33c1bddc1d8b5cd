"""The pieces of the classroom harness (deploy/) that need no hub: the nbgitpuller link, the
kernel websocket's binary frames, and the strict-nbval-like output comparison."""

import json
import struct
from urllib.parse import parse_qs, urlsplit

import nbformat
from classroom_env import ROOT

from deploy.links import pull_link
from deploy.students import decode_frame, differences


def test_the_link_pulls_the_repo_into_its_folder_and_opens_the_lesson():
    link = pull_link("https://hub.example.edu/", "https://git.example.edu/course.git", "main")
    parts = urlsplit(link)
    assert parts.path == "/hub/user-redirect/git-pull"
    assert parse_qs(parts.query) == {
        "repo": ["https://git.example.edu/course.git"], "branch": ["main"],
        "targetpath": ["how-transformers-read"],
        "urlpath": ["lab/tree/how-transformers-read/notebooks/01_tokenization.ipynb"]}


def test_a_binary_frame_with_buffers_gives_its_json_message():
    message = json.dumps({"header": {"msg_type": "comm_open"}}).encode()
    frame = struct.pack(">III", 2, 12, 12 + len(message)) + message + b"\x89PNG"
    assert decode_frame(frame) == {"header": {"msg_type": "comm_open"}}
    assert decode_frame('{"a": 1}') == {"a": 1}


def test_committed_outputs_compare_equal_and_a_changed_one_does_not():
    path = ROOT / "notebooks" / "01_tokenization.ipynb"
    cells = [c for c in nbformat.read(path, 4).cells if c.cell_type == "code"]
    same = [[dict(o) for o in c.outputs] for c in cells]
    assert differences(path, same) == []
    changed = [list(outputs) for outputs in same]
    index = next(i for i, c in enumerate(cells) if any(o.get("name") == "stdout" for o in c.outputs))
    changed[index] = [{"output_type": "stream", "name": "stdout", "text": "something else\n"}]
    assert len(differences(path, changed)) == 1
    assert differences(path, same[:-1]) == [f"{len(cells) - 1} cells ran, the notebook has {len(cells)}"]
