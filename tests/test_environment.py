"""The pip route (requirements.txt) and the conda/Binder route (environment.yml) install the same packages."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def pip_pins() -> dict[str, str]:
    """Package -> exact version from requirements.txt."""
    pins = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, version = line.split("==")
            pins[name.lower()] = version
    return pins


def conda_pins() -> dict[str, str]:
    """Package -> version prefix from environment.yml (python excluded)."""
    pins = {}
    for line in (ROOT / "environment.yml").read_text().splitlines():
        match = re.match(r"^\s*-\s*([A-Za-z0-9_.\-]+)\s*=\s*([0-9.]+)\s*$", line)
        if match and match.group(1) != "python":
            pins[match.group(1).lower()] = match.group(2)
    return pins


def test_both_routes_list_the_same_packages():
    assert set(pip_pins()) == set(conda_pins()), (
        f"only in requirements.txt: {set(pip_pins()) - set(conda_pins())}; "
        f"only in environment.yml: {set(conda_pins()) - set(pip_pins())}"
    )


def test_pip_versions_fall_within_the_conda_pins():
    conda = conda_pins()
    for name, version in pip_pins().items():
        assert (version + ".").startswith(conda[name] + "."), f"{name}: pip {version} vs conda {conda[name]}"


def test_environment_yml_pins_python_and_uses_conda_forge():
    text = (ROOT / "environment.yml").read_text()
    assert re.search(r"^\s*-\s*python=3\.\d+\s*$", text, re.M)
    assert "conda-forge" in text and "defaults" not in text


def test_the_helper_package_is_not_a_dependency_binder_would_install_too_early():
    # repo2docker installs environment.yml before the repository is copied in: `-e .` there would fail.
    assert "-e ." not in (ROOT / "environment.yml").read_text()


def test_no_binder_folder_hides_the_root_configuration():
    assert not (ROOT / "binder").exists() and not (ROOT / ".binder").exists()


def test_binder_installs_the_helper_package_after_copying_the_repository():
    repo2docker = shutil.which("jupyter-repo2docker", path=str(Path(sys.executable).parent))
    assert repo2docker, "jupyter-repo2docker is in requirements-dev.txt; install it"
    result = subprocess.run([repo2docker, "--no-build", "--debug", str(ROOT)], capture_output=True, text=True, timeout=300)
    dockerfile = result.stdout + result.stderr
    copy_env = dockerfile.find("COPY --chown=0:0 src/environment.yml")
    copy_repo = dockerfile.find("COPY --chown=0:0 src/ ${REPO_DIR}/")
    post_build = dockerfile.find("RUN ./postBuild")
    assert -1 < copy_env < copy_repo < post_build, "expected environment.yml, then the repository, then postBuild"
    assert "pip install --no-deps -e ." in (ROOT / "postBuild").read_text()
