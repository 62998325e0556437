"""A throwaway PostgreSQL cluster on loopback, for tests and benchmarks.

initdb in a temporary directory, `pg_ctl start` on a free 127.0.0.1 port (unix socket in
the same directory, so nothing else on the machine is touched), password login. Run as
root, the server programs refuse to start, so they run as the `postgres` system user
(the Debian package creates it) over a directory that user owns.
"""
from __future__ import annotations

import glob
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

SERVER_USER = "postgres"


def find_bin_dir() -> Path | None:
    """The directory holding initdb and pg_ctl: $PG_BIN, the newest Debian install, or PATH."""
    candidates = []
    if os.environ.get("PG_BIN"):
        candidates.append(Path(os.environ["PG_BIN"]))
    debian = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name)
                    if Path(p).parent.name.isdigit() else 0, reverse=True)
    candidates.extend(Path(p) for p in debian)
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.append(Path(on_path).parent)
    for directory in candidates:
        if (directory / "initdb").is_file() and (directory / "pg_ctl").is_file():
            return directory
    return None


_WATCHDOG = """
import shutil, subprocess, sys
pg_ctl, data, root, *as_server_user = sys.argv[1:]
sys.stdin.read()
subprocess.run([*as_server_user, pg_ctl, "stop", "-m", "immediate", "-w", "-D", data], capture_output=True)
shutil.rmtree(root, ignore_errors=True)
"""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PostgresCluster:
    """Start with `PostgresCluster.start()`, stop (and delete every file) with `stop()`."""

    def __init__(self, bin_dir: Path, root: Path, port: int, password: str) -> None:
        self.bin_dir = bin_dir
        self.root = root
        self.data = root / "data"
        self.port = port
        self.password = password
        self._databases = 0
        self._watchdog: subprocess.Popen | None = None

    @classmethod
    def start(cls, bin_dir: Path | None = None) -> "PostgresCluster":
        bin_dir = bin_dir or find_bin_dir()
        if bin_dir is None:
            raise FileNotFoundError("no PostgreSQL server binaries (initdb, pg_ctl) found")
        root = Path(tempfile.mkdtemp(prefix="haven-pg-"))
        password = secrets.token_hex(16)
        cluster = cls(bin_dir, root, _free_port(), password)
        try:
            cluster._init()
            cluster._start()
            cluster._watch()
        except BaseException:
            cluster.stop()
            raise
        return cluster

    def _watch(self) -> None:
        """A small process that stops the cluster if this one dies without stop() (killed
        test run): it waits for its stdin, which closes when this process exits."""
        self._watchdog = subprocess.Popen(
            [sys.executable, "-c", _WATCHDOG, str(self.bin_dir / "pg_ctl"), str(self.data), str(self.root),
             *self._as_server_user([])],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )

    @staticmethod
    def _as_server_user(argv: list[str]) -> list[str]:
        if os.geteuid() != 0:
            return argv
        runuser = shutil.which("runuser") or "/usr/sbin/runuser"  # sbin may be missing from PATH
        return [runuser, "-u", SERVER_USER, "--", *argv]

    def _run(self, argv: list[str]) -> None:
        done = subprocess.run(self._as_server_user(argv), capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(argv[:2])} failed ({done.returncode}): {done.stderr or done.stdout}")

    def _init(self) -> None:
        pwfile = self.root / "pwfile"
        pwfile.write_text(self.password + "\n")
        if os.geteuid() == 0:
            shutil.chown(self.root, SERVER_USER)
            shutil.chown(pwfile, SERVER_USER)
        pwfile.chmod(0o600)
        self._run([str(self.bin_dir / "initdb"), "-D", str(self.data), "-U", "postgres",
                   "--pwfile", str(pwfile), "--auth", "scram-sha-256", "--encoding", "UTF8",
                   "--locale", "C.UTF-8", "--no-sync", "--no-instructions"])

    def _start(self) -> None:
        for attempt in range(3):
            # Durability off: a test cluster is thrown away, and fsync on 2 shared cores is slow.
            options = (f"-c listen_addresses=127.0.0.1 -p {self.port} -c unix_socket_directories={self.root} "
                       "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
            try:
                self._run([str(self.bin_dir / "pg_ctl"), "start", "-w", "-t", "60", "-D", str(self.data),
                           "-l", str(self.root / "server.log"), "-o", options])
                return
            except RuntimeError:
                if attempt == 2:
                    log = self.root / "server.log"
                    raise RuntimeError(log.read_text() if log.exists() else "pg_ctl start failed") from None
                self.port = _free_port()  # another process took the port between probe and start

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres:{self.password}@127.0.0.1:{self.port}/{database}"

    def create_database(self, prefix: str = "haven") -> str:
        """A new empty database; returns its URL."""
        self._databases += 1
        name = f"{prefix}_{self._databases}"
        env = dict(os.environ, PGPASSWORD=self.password)
        done = subprocess.run(
            [str(self.bin_dir / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
             "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-qc", f'CREATE DATABASE "{name}"'],
            capture_output=True, text=True, env=env, timeout=60,
        )
        if done.returncode != 0:
            raise RuntimeError(f"CREATE DATABASE {name} failed: {done.stderr}")
        return self.url(name)

    def stop(self) -> None:
        watchdog = self._watchdog
        if watchdog is not None:
            watchdog.stdin.close()  # the watchdog stops the server too; whoever is first wins
        if (self.data / "postmaster.pid").exists():
            subprocess.run(self._as_server_user([str(self.bin_dir / "pg_ctl"), "stop", "-m", "immediate",
                                                 "-w", "-D", str(self.data)]),
                           capture_output=True, timeout=60)
        shutil.rmtree(self.root, ignore_errors=True)
        if watchdog is not None:
            watchdog.wait(timeout=60)


if __name__ == "__main__":  # manual use: start one and print its URL until Enter
    cluster = PostgresCluster.start()
    print(cluster.create_database(), flush=True)
    try:
        input("PostgreSQL running; press Enter to stop\n")
    finally:
        cluster.stop()
