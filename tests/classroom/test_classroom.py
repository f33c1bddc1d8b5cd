"""A class on the hub (deploy/): the hub on loopback with a temporary database and state folder,
three students, each pulling the course through the nbgitpuller link from a local git
repository and running lesson 1 in their own server (REST API + kernel websocket), outputs
checked against the committed ones; a student cannot reach another's server or files; idle
servers are culled; stopping leaves no process and no port behind."""

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from classroom_env import ROOT, clean_env

from deploy.hubrun import ClassroomHub
from deploy.students import differences, lesson_path, make_course_repo, pull_course, run_lesson

pytestmark = pytest.mark.classroom
STUDENTS = ["ada", "grace", "alan"]
LESSON = "01_tokenization.ipynb"


def _stop_and_check(hub) -> None:
    hub.stop()
    procs, ports = hub.leftovers()
    assert not procs and not ports, f"left behind: processes {procs}, open ports {ports}"


@pytest.fixture(scope="module")
def classroom(course_venv, proxy_installed, tmp_path_factory):
    """The running hub, every student's server started and the course pulled into each home;
    yields (hub, {student: token}). Stopped (and checked empty) even if a test failed."""
    tmp = tmp_path_factory.mktemp("classroom")
    (tmp / "course.git").mkdir()
    repo = make_course_repo(ROOT, tmp / "course.git")
    hub = ClassroomHub(course_venv["bin"], tmp / "state", STUDENTS, extra_env=clean_env())
    try:
        hub.start()
        tokens = {}
        for student in STUDENTS:
            hub.start_server(student)
            tokens[student] = hub.user_token(student)
            pull_course(hub, student, tokens[student], repo)
        yield hub, tokens
    finally:
        _stop_and_check(hub)


def test_each_student_has_the_course_in_their_own_home(classroom):
    hub, _ = classroom
    for student in STUDENTS:
        assert (hub.home(student) / lesson_path(LESSON)).is_file()
        assert sorted(p.name for p in (hub.home(student)).iterdir() if not p.name.startswith(".")) == [
            "how-transformers-read"]


def test_lesson_1_runs_in_every_students_server(classroom):
    hub, tokens = classroom
    start = time.monotonic()
    with ThreadPoolExecutor(len(STUDENTS)) as pool:
        runs = dict(zip(STUDENTS, pool.map(lambda s: run_lesson(hub, s, tokens[s], LESSON), STUDENTS),
                        strict=True))
    print(f"\nlesson 1 in {len(STUDENTS)} servers at once: {time.monotonic() - start:.1f} s")
    for student, outputs in runs.items():
        assert differences(ROOT / "notebooks" / LESSON, outputs) == [], student


def test_a_student_cannot_open_another_students_server(classroom):
    hub, tokens = classroom
    ada = {"Authorization": f"token {tokens['ada']}"}
    other = f"{hub.url}/user/grace"
    for method, path in [("GET", "/api/contents"), ("GET", f"/api/contents/{lesson_path(LESSON)}"),
                         ("GET", "/api/kernels"), ("POST", "/api/kernels"), ("GET", "/lab")]:
        reply = requests.request(method, other + path, headers=ada, timeout=30)
        assert reply.status_code in (403, 404), (method, path, reply.status_code)
    assert requests.get(f"{other}/api/contents", timeout=30).status_code in (302, 403)  # no login


def test_a_student_cannot_reach_another_home_through_their_own_server(classroom):
    hub, tokens = classroom
    ada = {"Authorization": f"token {tokens['ada']}"}
    for path in ["../grace", "..%2Fgrace", f"../grace/{lesson_path(LESSON)}"]:
        reply = requests.get(f"{hub.url}/user/ada/api/contents/{path}", headers=ada, timeout=30)
        assert reply.status_code in (400, 403, 404), (path, reply.status_code)


def test_the_idle_culler_runs_with_its_scopes(classroom):
    hub, _ = classroom
    services = hub.api("GET", "/services").json()
    assert "idle-culler" in services
    assert services["idle-culler"]["command"][1:3] == ["-m", "jupyterhub_idle_culler"]


def test_stopping_the_hub_leaves_no_process_or_port(classroom):
    hub, _ = classroom
    _stop_and_check(hub)


def test_an_idle_server_is_culled(course_venv, proxy_installed, tmp_path):
    hub = ClassroomHub(course_venv["bin"], tmp_path / "state", ["idle"], extra_env=clean_env(), idle_s=15)
    try:
        hub.start()
        hub.start_server("idle")
        deadline = time.monotonic() + 90
        while hub.server_ready("idle") and time.monotonic() < deadline:
            time.sleep(2)
        assert not hub.server_ready("idle"), "the idle culler did not stop an unused server"
    finally:
        _stop_and_check(hub)
