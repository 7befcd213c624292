"""What the tests that start real processes (a production-mode server, nginx, a
PostgreSQL standby) share: a free loopback port, waiting for a server to answer,
stopping it with its whole process group."""

import contextlib
import os
import signal
import socket
import subprocess
import time

import requests


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def clean_env(**values):
    """This process's environment without its ROMS_* settings, plus ``values``
    (as strings): what a ROMS script started by a test reads."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROMS_")}
    env.update({key: str(value) for key, value in values.items()})
    return env


class RealServerMixin:
    """For a test case that starts servers in process groups of their own."""

    def _start(self, command, url, seconds=300, **popen):
        """Start ``command`` (stderr kept for a failure's message), stopped with
        its children when the test ends; return it once ``url`` answers."""
        server = subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
            **popen,
        )
        self.addCleanup(self._stop, server)
        self._wait_for(url, server, seconds=seconds)
        return server

    def _wait_for(self, url, server, seconds=300):
        """Until ``url`` answers 200; fails when ``server`` stopped or after
        ``seconds``."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if server.poll() is not None:
                self.fail(f"the server stopped: {server.stderr.read()[-3000:]}")
            with contextlib.suppress(requests.RequestException):
                # not listening yet: try again
                if requests.get(url, timeout=10).status_code == 200:
                    return
            time.sleep(0.5)
        self.fail(f"{url} did not answer in {seconds} s")

    def _stop(self, process):
        """Stop ``process`` and its children: TERM, then KILL after a minute."""
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=30)
