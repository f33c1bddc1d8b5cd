"""The two ways to install (pip with pyproject.toml, conda with environment.yml) cannot drift apart."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CONDA_TO_PYPI = {"pytorch-cpu": "torch", "python": None, "pip": None}


def requirement_name(requirement: str) -> str:
    return re.split(r"[<>=!~ ;\[]", requirement.strip(), maxsplit=1)[0].lower()


def pyproject_requirements() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    listed = project["dependencies"] + project["optional-dependencies"]["test"]
    return {requirement_name(r): r.replace(" ", "") for r in listed}


def conda_requirements() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    found = {}
    for entry in env["dependencies"]:
        for item in entry["pip"] if isinstance(entry, dict) else [entry]:
            if item.startswith("-e"):
                continue
            name = requirement_name(item)
            name = CONDA_TO_PYPI.get(name, name)
            if name:
                pypi_spec = name + item.replace(" ", "")[len(requirement_name(item)):]
                found[name] = pypi_spec
    return found


def test_same_packages_in_both():
    assert set(pyproject_requirements()) == set(conda_requirements())


def test_same_version_ranges_in_both():
    assert pyproject_requirements() == conda_requirements()


def test_constraints_pin_cpu_torch_exactly():
    pins = (ROOT / "constraints.txt").read_text().splitlines()
    assert "torch==2.13.0" in pins
    assert all("+cu" not in line for line in pins)
