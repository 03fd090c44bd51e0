"""The sandbox as the demo and the addon use it: another process."""

import os
import select
import subprocess
import sys

import requests


def test_sandbox_runs_as_its_own_process_and_answers():
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # as a plain pipe gets it
    proc = subprocess.Popen([sys.executable, "-m", "accounting_connectors.sandbox", "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    try:
        ready, _w, _x = select.select([proc.stdout], [], [], 10)
        assert ready, "the sandbox printed no address within 10 s"
        first = proc.stdout.readline()
        assert first.startswith("Sandbox listening on http://127.0.0.1:"), first
        url = first.split()[-1]
        assert requests.get(url + "/_sandbox/stats", timeout=5).json()["requests"] == {}
        # a real API path answers in the provider's own way: no credentials, 401
        resp = requests.get(url + "/public/jurnal/api/v1/accounts", timeout=5)
        assert resp.status_code == 401
        assert proc.poll() is None, "the sandbox must keep serving"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
