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


class RealServerMixin:
    """For a test case that starts processes with ``start_new_session=True``."""

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
