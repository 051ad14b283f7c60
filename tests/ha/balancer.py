"""HAProxy in front of the ledger servers: health checks on /readyz, each callback routed by
a hash of its body's `user_id` (consistent, so a player moves only when its server does)."""

import shutil
import subprocess
from pathlib import Path

from tests.support.server import stop_process

CONFIG = """\
global
  maxconn 4000
defaults
  mode http
  timeout connect 1s
  timeout client 30s
  timeout server 15s
  retries 2
  option redispatch
frontend ledger
  bind 127.0.0.1:{port}
  option http-buffer-request
  default_backend servers
backend servers
  balance hash req.body,json_query('$.user_id')
  hash-type consistent
  option httpchk GET /readyz
  http-check expect status 200
  default-server inter 500ms fall 2 rise 2
{servers}
"""


def available() -> bool:
    """Debian's haproxy is installed."""
    return shutil.which("haproxy") is not None


def config(port: int, servers: dict[str, int]) -> str:
    """The configuration for a frontend on port and these named backends' ports."""
    lines = [f"  server {name} 127.0.0.1:{p} check" for name, p in servers.items()]
    return CONFIG.format(port=port, servers="\n".join(lines))


class Balancer:
    """One haproxy process with a generated configuration in the run's directory."""

    def __init__(self, root: Path, port: int, servers: dict[str, int]) -> None:
        self.port = port
        self.path = root / "haproxy.cfg"
        self.path.write_text(config(port, servers))
        subprocess.run(["haproxy", "-c", "-q", "-f", str(self.path)], check=True)
        with (root / "haproxy.log").open("ab") as log:
            self.process = subprocess.Popen(
                ["haproxy", "-db", "-f", str(self.path)], stdout=log, stderr=subprocess.STDOUT
            )

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        stop_process(self.process)
