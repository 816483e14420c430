"""What a newcomer's machine needs: the browser for the tests (tools/browser.py) and JupyterLab's offline settings
(tools/install_lab_settings.py), each from one place that `make`, `.ci/run` and Binder share."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tools import browser, install_lab_settings
from tools.browser import plan_install, stop_message

ROOT = Path(__file__).resolve().parents[1]
DEBIAN = {"ID": "debian", "PRETTY_NAME": "Debian GNU/Linux 12 (bookworm)"}
UBUNTU = {"ID": "ubuntu", "ID_LIKE": "debian", "PRETTY_NAME": "Ubuntu 24.04 LTS"}
FEDORA = {"ID": "fedora", "PRETTY_NAME": "Fedora Linux 41"}


def _program(folder: Path, name: str, script: str) -> Path:
    path = folder / name
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(0o755)
    return path


# Deciding how to get a browser

def test_debian_as_root_installs_the_distribution_package_with_apt():
    plan = plan_install("Linux", DEBIAN, is_root=True, sudo_without_password=False)
    assert plan.commands == [["apt-get", "update", "-qq"],
                             ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium", browser.FONT]]


def test_password_less_sudo_runs_the_same_commands_through_sudo():
    plan = plan_install("Linux", DEBIAN, is_root=False, sudo_without_password=True)
    assert all(command[:2] == ["sudo", "-n"] and "apt-get" in command for command in plan.commands)
    assert plan.commands[-1][-2:] == ["chromium", browser.FONT]


def test_ubuntu_gets_its_own_package_name():
    plan = plan_install("Linux", UBUNTU, is_root=True, sudo_without_password=False)
    assert "chromium-browser" in plan.commands[-1] and plan.by_hand == "sudo apt-get install chromium-browser"


@pytest.mark.parametrize("system, os_release, command", [
    ("Linux", DEBIAN, "sudo apt-get install chromium"),  # Debian, but neither root nor sudo
    ("Linux", FEDORA, "sudo dnf install chromium"),
    ("Linux", {"ID": "rocky", "ID_LIKE": "rhel centos fedora"}, "sudo dnf install chromium"),
    ("Darwin", {}, "brew install --cask google-chrome"),
])
def test_where_nothing_can_be_installed_the_message_names_the_command(system, os_release, command):
    plan = plan_install(system, os_release, is_root=False, sudo_without_password=False)
    assert plan.commands == []
    message = stop_message(plan)
    assert f"\n    {command}\n" in message and "No test has been run" in message


def test_an_unknown_system_still_gets_advice_and_the_override():
    message = stop_message(plan_install("Linux", {"ID": "gentoo"}, is_root=True, sudo_without_password=False))
    assert "package manager" in message and browser.OVERRIDE in message


def test_only_the_system_package_manager_is_ever_run():
    for os_release in (DEBIAN, UBUNTU, FEDORA, {}):
        for is_root, sudo in ((True, False), (False, True), (False, False)):
            for command in plan_install("Linux", os_release, is_root, sudo).commands:
                assert command[command.index("apt-get") if "apt-get" in command else 0] == "apt-get"
                assert not {"curl", "wget", "playwright", "npx"} & set(command)


def test_os_release_is_read_with_its_quotes_removed(tmp_path):
    (tmp_path / "os-release").write_text('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n# note\n')
    assert browser.read_os_release(str(tmp_path / "os-release")) == {"PRETTY_NAME": "Debian GNU/Linux 12 (bookworm)",
                                                                     "ID": "debian"}
    assert browser.read_os_release(str(tmp_path / "missing")) == {}


# Finding one

def test_a_browser_on_path_is_found_and_a_broken_stub_is_not(tmp_path):
    _program(tmp_path, "chromium-browser", "exit 1\n")  # like Ubuntu's stub when the snap is missing
    assert browser.find_browser({"PATH": str(tmp_path)}) is None
    chrome = _program(tmp_path, "google-chrome", 'echo "Google Chrome 150.0.1"\n')
    assert browser.find_browser({"PATH": str(tmp_path)}) == str(chrome)


def test_the_override_wins_and_only_it_is_tried(tmp_path):
    _program(tmp_path, "chromium", 'echo "Chromium 150.0"\n')
    mine = _program(tmp_path, "my-chrome", 'echo "Chromium 151.0"\n')
    assert browser.find_browser({"PATH": str(tmp_path), browser.OVERRIDE: str(mine)}) == str(mine)
    assert browser.find_browser({"PATH": str(tmp_path), browser.OVERRIDE: str(tmp_path / "nope")}) is None


# The whole step, with fake programs standing in for apt-get and the browser

def _debian(tmp_path: Path) -> str:
    (tmp_path / "os-release").write_text("ID=debian\nPRETTY_NAME=Debian\n")
    return str(tmp_path / "os-release")


def test_no_browser_on_debian_as_root_installs_one_and_uses_it(tmp_path, capsys):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    # apt-get that "installs" chromium by writing one next to itself, and logs what it was asked
    _program(bin_dir, "apt-get", f'echo "$@" >> {tmp_path}/apt.log\n'
             f'[ "$1" = install ] && printf \'#!/bin/sh\\necho "Chromium 156.0 fake"\\n\' > {bin_dir}/chromium '
             f'&& /bin/chmod +x {bin_dir}/chromium\nexit 0\n')
    assert browser.ensure({"PATH": str(bin_dir)}, _debian(tmp_path), is_root=True) == 0
    assert (tmp_path / "apt.log").read_text().splitlines() == [
        "update -qq", f"install -y -qq --no-install-recommends chromium {browser.FONT}"]
    assert f"Browser for the tests: {bin_dir}/chromium (Chromium 156.0 fake)" in capsys.readouterr().out


def test_a_failed_install_stops_with_the_command_to_type(tmp_path, capsys):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    _program(bin_dir, "apt-get", "exit 100\n")
    assert browser.ensure({"PATH": str(bin_dir)}, _debian(tmp_path), is_root=True) == 1
    err = capsys.readouterr().err
    assert "sudo apt-get install chromium" in err and "No test has been run" in err


def test_no_browser_and_no_way_to_install_stops_with_one_message(tmp_path, capsys):
    assert browser.ensure({"PATH": str(tmp_path)}, _debian(tmp_path), is_root=False, sudo_without_password=False) == 1
    out = capsys.readouterr()
    assert out.out == "" and out.err.count("none was found") == 1 and "sudo apt-get install chromium" in out.err


def test_a_broken_override_is_reported_not_replaced(tmp_path, capsys):
    _program(tmp_path, "chromium", 'echo "Chromium 150.0"\n')
    env = {"PATH": str(tmp_path), browser.OVERRIDE: str(tmp_path / "not-there")}
    assert browser.ensure(env, _debian(tmp_path), is_root=True) == 1
    assert f"{browser.OVERRIDE}={tmp_path / 'not-there'} is not a working" in capsys.readouterr().err


def _make_dry_run(*args: str) -> str:
    """What ``make -n ARGS`` would run, as if typed at a shell (not from inside another make, as in `make test`)."""
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    return subprocess.run(["make", "--no-print-directory", "-n", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, check=True).stdout


def test_make_test_gets_the_browser_before_installing_or_running_anything():
    steps = _make_dry_run("-B", "test")  # -B: as on a new machine, where nothing is installed yet
    assert steps.splitlines()[0].endswith("tools/browser.py")
    assert steps.index("tools/browser.py") < steps.index("pip install") < steps.index("-m pytest")


def test_ci_gets_its_browser_from_make_test_alone():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in ci and "chromium" not in ci.lower(), "the browser rule lives in tools/browser.py only"


# JupyterLab's offline settings

def test_settings_are_installed_into_an_empty_environment(tmp_path):
    overrides, server = install_lab_settings.install(tmp_path)
    assert overrides == tmp_path / "share/jupyter/lab/settings/overrides.json"
    notification = json.loads(overrides.read_text())["@jupyterlab/apputils-extension:notification"]
    assert notification == {"fetchNews": "false", "checkForUpdates": False}
    lab = json.loads(server.read_text())["LabApp"]
    assert lab["news_url"] is None and lab["check_for_updates_class"].endswith("NeverCheckForUpdate")


def test_settings_already_there_are_kept_and_a_second_run_changes_nothing(tmp_path):
    overrides = tmp_path / "share/jupyter/lab/settings/overrides.json"
    overrides.parent.mkdir(parents=True)
    overrides.write_text(json.dumps({
        "@jupyterlab/apputils-extension:themes": {"theme": "JupyterLab Dark"},
        "@jupyterlab/apputils-extension:notification": {"doNotDisturbMode": True, "fetchNews": "true"}}))
    install_lab_settings.install(tmp_path)
    first = json.loads(overrides.read_text())
    assert first["@jupyterlab/apputils-extension:themes"] == {"theme": "JupyterLab Dark"}
    assert first["@jupyterlab/apputils-extension:notification"] == {
        "doNotDisturbMode": True, "fetchNews": "false", "checkForUpdates": False}
    install_lab_settings.install(tmp_path)
    assert json.loads(overrides.read_text()) == first


def test_a_broken_settings_file_gets_a_message_not_a_traceback(tmp_path):
    server = tmp_path / "etc/jupyter/jupyter_server_config.json"
    server.parent.mkdir(parents=True)
    server.write_text("{not json")
    with pytest.raises(SystemExit, match="is not valid JSON; fix or remove it"):
        install_lab_settings.install(tmp_path)
    assert server.read_text() == "{not json"  # left as it was


def test_make_and_binder_both_install_the_settings():
    assert "python tools/install_lab_settings.py" in (ROOT / "postBuild").read_text()
    steps = _make_dry_run("-B", "install")
    assert "tools/install_lab_settings.py" in steps


def test_the_sandbox_is_installed_by_name_on_each_linux_family():
    from tools import bubblewrap

    assert bubblewrap.by_hand({"ID": "debian"}) == "sudo apt-get install bubblewrap"
    assert bubblewrap.by_hand({"ID": "fedora"}) == "sudo dnf install bubblewrap"
    assert bubblewrap.by_hand({"ID": "arch"}) == "sudo pacman -S bubblewrap"
