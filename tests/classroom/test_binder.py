"""The files that build the course elsewhere name the same packages as pyproject.toml: Binder
(binder/, read by repo2docker) and the Zero to JupyterHub image (deploy/zero-to-jupyterhub/).
Neither can be built here (no Docker daemon): these tests read them."""

import re
import tomllib

import yaml
from classroom_env import ROOT

CONDA_TO_PYPI = {"pytorch-cpu": "torch"}
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def name_and_range(requirement: str) -> tuple[str, str]:
    """('torch', '>=2.4,<3') from 'torch>=2.4,<3' (spaces and comments dropped)."""
    requirement = requirement.split("#")[0].replace(" ", "")
    name = re.split(r"[<>=!~;\[]", requirement, maxsplit=1)[0].lower()
    return CONDA_TO_PYPI.get(name, name), requirement[len(name):]


def binder_requirements() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "binder" / "environment.yml").read_text())
    found = {}
    for entry in env["dependencies"]:
        for item in entry["pip"] if isinstance(entry, dict) else [entry]:
            name, spec = name_and_range(item)
            if name not in ("python", "pip"):
                found[name] = spec
    return found


def test_binder_names_the_same_packages_and_ranges_as_pyproject():
    assert binder_requirements() == dict(name_and_range(r) for r in PROJECT["dependencies"])


def test_binder_takes_cpu_pytorch_and_the_python_of_the_course():
    deps = yaml.safe_load((ROOT / "binder" / "environment.yml").read_text())["dependencies"]
    assert "python=3.11" in deps and "conda-forge" in yaml.safe_load(
        (ROOT / "binder" / "environment.yml").read_text())["channels"]
    assert any(str(d).startswith("pytorch-cpu") for d in deps)
    assert not any(re.match(r"(pytorch|torch)([<>=]|$)", str(d)) for d in deps)


def test_binder_installs_the_course_without_letting_pip_pick_torch():
    post_build = (ROOT / "binder" / "postBuild").read_text()
    assert "pip install --no-cache-dir --no-deps ." in post_build
    assert (ROOT / "binder" / "postBuild").stat().st_mode & 0o111


def test_the_hub_image_installs_the_pinned_course_with_cpu_torch():
    dockerfile = (ROOT / "deploy" / "zero-to-jupyterhub" / "Dockerfile").read_text()
    assert "-c /tmp/course/constraints.txt \"/tmp/course[hub]\"" in dockerfile
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in dockerfile
    assert 'CMD ["jupyterhub-singleuser"]' in dockerfile
    assert set(PROJECT["optional-dependencies"]["hub"]) and all(
        re.match(r"(jupyterhub|jupyterhub-idle-culler|nbgitpuller)[<>=]", r)
        for r in PROJECT["optional-dependencies"]["hub"])


def test_the_helm_values_set_image_memory_culling():
    values = yaml.safe_load((ROOT / "deploy" / "zero-to-jupyterhub" / "values.yaml").read_text())
    single = values["singleuser"]
    assert single["image"]["name"].endswith("how-transformers-read") and single["defaultUrl"] == "/lab"
    assert set(single["memory"]) == {"guarantee", "limit"}
    assert values["cull"]["enabled"] is True and values["cull"]["timeout"] > 0
