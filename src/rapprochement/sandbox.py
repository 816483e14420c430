"""Where the grader runs student code: an existing sandbox, with limits, or (only when asked) none at all.

Backends, best first:

* ``bwrap`` (bubblewrap, Debian/Ubuntu package ``bubblewrap``, no privileges needed): the sandbox sees only the
  system folders, the Python environment and the collection's package and data, all read-only, plus a private,
  size-capped ``/tmp``. The submissions folder, the grades, the solutions, home folders and every other submission
  are not there at all. Its own network namespace has no route anywhere, not even to the host's 127.0.0.1.
* ``docker`` or ``podman`` with an image of the collection (``--image``, e.g. built by repo2docker): no network,
  read-only root, capped memory and processes, an unprivileged user.
* ``none``: no isolation, only when the instructor passes ``--no-sandbox``; every report line then says so.

Every backend gets a wall-clock limit per notebook, a memory limit and a cap on what it may hand back.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HARVEST = Path(__file__).with_name("harvest.py")
BACKENDS = ("bwrap", "docker", "podman")
TMP_BYTES = 256 * 2**20  # the private /tmp of a bubblewrap sandbox
MAX_REPORT = 4 * 2**20  # bytes read back from a sandbox; more than this and it is stopped


#: What every report line says when student code ran without isolation.
NOT_ISOLATED = "NOT ISOLATED (--no-sandbox): student code ran with the grader's rights"


class SandboxUnavailable(RuntimeError):
    """No sandbox can be used here; the message says what to install or which flag to pass."""


@dataclass
class Limits:
    cell_seconds: int = 30
    notebook_seconds: int = 600
    memory_bytes: int = 2 * 2**30


@dataclass
class Run:
    """What came back from one sandboxed run: the raw report bytes (untrusted) and what the host saw."""

    stdout: bytes = b""
    returncode: int | None = None
    timed_out: bool = False
    too_large: bool = False
    seconds: float = 0.0
    stderr_tail: str = ""


@dataclass
class Sandbox:
    backend: str  # bwrap, docker, podman or none
    image: str | None = None
    extra_hidden: list[Path] = field(default_factory=list)

    @property
    def description(self) -> str:
        """The isolation, in the words every report line carries."""
        return {
            "bwrap": "bubblewrap: read-only system and Python environment, private /tmp, no network",
            "docker": f"docker image {self.image}: no network, read-only, unprivileged user",
            "podman": f"podman image {self.image}: no network, read-only, unprivileged user",
        }.get(self.backend, NOT_ISOLATED)

    @property
    def isolated(self) -> bool:
        return self.backend != "none"

    def command(self, assignment: str, limits: Limits) -> list[str]:
        """The command that runs ``harvest.py`` on a notebook given on standard input."""
        inner = ["--assignment", assignment, "--timeout", str(limits.cell_seconds)]
        if self.backend == "bwrap":
            return bwrap_command(limits) + [sys.executable, "-I", str(HARVEST), *inner]
        if self.backend in ("docker", "podman"):
            return container_command(self.backend, self.image or "", limits) + inner
        return [sys.executable, "-I", str(HARVEST), *inner]


# --- choosing a backend -----------------------------------------------------------------------------------

def _bwrap_works() -> bool:
    if not shutil.which("bwrap"):
        return False
    try:
        done = subprocess.run(["bwrap", "--ro-bind", "/", "/", "--unshare-net", "--dev", "/dev", "true"],
                              capture_output=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def _engine_works(engine: str) -> bool:
    if not shutil.which(engine):
        return False
    try:
        return subprocess.run([engine, "info"], capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def choose(requested: str = "auto", image: str | None = None, no_sandbox: bool = False) -> Sandbox:
    """The sandbox to grade with, or :class:`SandboxUnavailable` with what to do about it."""
    if no_sandbox:
        return Sandbox("none")
    if requested in ("docker", "podman") and not image:
        raise SandboxUnavailable(f"--sandbox {requested} needs --image: an image with the collection installed, "
                                 "e.g. built with `repo2docker --no-run --image-name course-grader .`")
    if requested in ("auto", "bwrap") and _bwrap_works():
        return Sandbox("bwrap")
    for engine in ("docker", "podman"):
        if requested in ("auto", engine) and image and _engine_works(engine):
            return Sandbox(engine, image)
    raise SandboxUnavailable(
        "No sandbox is available to run student code in, so nothing was graded. On Debian or Ubuntu install "
        "bubblewrap (`sudo apt-get install bubblewrap`); with Docker or Podman, pass `--sandbox docker --image IMAGE`. "
        "To grade anyway with your own rights (student code could then read and change your files), pass --no-sandbox."
    )


# --- the commands -----------------------------------------------------------------------------------------

def visible_paths() -> list[Path]:
    """What a bubblewrap sandbox may read: the Python installation, its site-packages, this package and its data.

    Only these: not the current folder, not ``sys.path`` entries such as a course folder on ``PYTHONPATH``.
    """
    import site

    from .data import data_dir

    paths = {Path(sys.prefix), Path(sys.base_prefix), Path(sys.exec_prefix), Path(sys.executable).resolve().parent,
             Path(__file__).resolve().parent, data_dir()}
    paths.update(Path(p) for p in site.getsitepackages())
    ordered = sorted({p.resolve() for p in paths if p.exists()}, key=lambda p: len(p.parts))
    kept: list[Path] = []  # a folder inside one already kept is there already
    for path in ordered:
        if path != Path("/") and not any(k in path.parents for k in kept):
            kept.append(path)
    return kept


SYSTEM = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc")
SECRETS = ("/etc/shadow", "/etc/gshadow", "/etc/sudoers")


def bwrap_command(limits: Limits) -> list[str]:
    command = ["bwrap", "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
               "--dev", "/dev", "--proc", "/proc", "--size", str(TMP_BYTES), "--tmpfs", "/tmp",
               "--dir", "/tmp/home", "--chdir", "/tmp", "--clearenv"]
    for top in SYSTEM:
        path = Path(top)
        if path.is_symlink():
            command += ["--symlink", os.readlink(path), top]
        elif path.is_dir():
            command += ["--ro-bind", top, top]
    for secret in SECRETS:
        if Path(secret).exists():
            command += ["--ro-bind", "/dev/null", secret]
    for path in visible_paths():
        if not any(str(path) == s or str(path).startswith(s + "/") for s in SYSTEM):
            command += ["--ro-bind", str(path), str(path)]
    env = {"HOME": "/tmp/home", "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "LANG": "C.UTF-8",
           "JUPYTER_RUNTIME_DIR": "/tmp/home/runtime", "JUPYTER_PLATFORM_DIRS": "1", "MPLBACKEND": "Agg",
           "PYTHONDONTWRITEBYTECODE": "1"}
    if os.environ.get("RAPPROCHEMENT_DATA"):
        env["RAPPROCHEMENT_DATA"] = os.environ["RAPPROCHEMENT_DATA"]
    for name, value in env.items():
        command += ["--setenv", name, value]
    return command


def container_command(engine: str, image: str, limits: Limits) -> list[str]:
    """``docker run`` / ``podman run`` for an image that has the collection installed (not run on this machine)."""
    megabytes = limits.memory_bytes // 2**20
    return [engine, "run", "--rm", "-i", "--network", "none", "--read-only", "--tmpfs", f"/tmp:size={TMP_BYTES}",
            "--memory", f"{megabytes}m", "--memory-swap", f"{megabytes}m", "--pids-limit", "512",
            "--cap-drop", "ALL", "--security-opt", "no-new-privileges", "--user", "65534:65534",
            "--env", "HOME=/tmp", "--workdir", "/tmp", image,
            "python", "-I", "-c", "import runpy, rapprochement.harvest as h; runpy.run_path(h.__file__, run_name='__main__')"]


# --- running ----------------------------------------------------------------------------------------------

def _limit_memory(limit: int):
    def apply() -> None:  # runs in the child before exec: inherited by the sandbox, the client and the kernel
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 2**20, 64 * 2**20))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    return apply


def run(sandbox: Sandbox, notebook: bytes, assignment: str, limits: Limits) -> Run:
    """Run one notebook in ``sandbox``; stop it at the time limit or when it hands back too much. Never raises."""
    result = Run()
    started = time.monotonic()
    limit_memory = sandbox.backend in ("bwrap", "none")  # containers get --memory instead
    try:
        process = subprocess.Popen(sandbox.command(assignment, limits), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, start_new_session=True,
                                   preexec_fn=_limit_memory(limits.memory_bytes) if limit_memory else None,
                                   env=None if sandbox.backend != "none" else _plain_env())
    except OSError as error:
        result.stderr_tail = f"could not start the sandbox: {error}"
        return result
    chunks: list[bytes] = []
    tail: list[bytes] = []

    def read_report() -> None:
        size = 0
        while chunk := process.stdout.read(65536):
            size += len(chunk)
            if size > MAX_REPORT:
                result.too_large = True
                _stop(process)
                return
            chunks.append(chunk)

    def read_errors() -> None:
        while chunk := process.stderr.read(65536):
            tail[:] = [(b"".join(tail) + chunk)[-2000:]]

    readers = [threading.Thread(target=read_report, daemon=True), threading.Thread(target=read_errors, daemon=True)]
    for reader in readers:
        reader.start()
    try:
        process.stdin.write(notebook)
        process.stdin.close()
    except OSError:
        pass
    try:
        process.wait(timeout=limits.notebook_seconds)
    except subprocess.TimeoutExpired:
        result.timed_out = True
        _stop(process)
    for reader in readers:
        reader.join(timeout=10)
    result.returncode = process.returncode
    result.stdout = b"".join(chunks)
    result.stderr_tail = b"".join(tail).decode("utf-8", "replace")
    result.seconds = time.monotonic() - started
    return result


def _stop(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


def _plain_env() -> dict:
    """--no-sandbox: the grader's environment, minus what would let a kernel reach the grader's own session."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "JPY_", "RAPPROCHEMENT_GRADE"))}
    if os.environ.get("RAPPROCHEMENT_DATA"):
        env["RAPPROCHEMENT_DATA"] = os.environ["RAPPROCHEMENT_DATA"]
    return env
