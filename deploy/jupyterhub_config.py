"""JupyterHub for a class, on one machine: `make hub` (docs/classroom.md).

Every student logs in and gets their own Jupyter server, started in their own home folder
(<state>/home/<name>), with the course's packages from the Python environment this hub runs
in. The course reaches each home through an nbgitpuller link (deploy/links.py). Servers
nobody has used for COURSE_HUB_IDLE_S seconds are stopped by jupyterhub-idle-culler.

Everything listens on 127.0.0.1 only. Set by environment variables (defaults in brackets):
  COURSE_HUB_STATE     folder for the database, cookie secret, logs and homes [deploy/.state]
  COURSE_HUB_PORT      the port students open [8000]; the hub's API and the proxy's API use
                       COURSE_HUB_API_PORT [PORT+1] and COURSE_HUB_PROXY_API_PORT [PORT+2]
  COURSE_HUB_STUDENTS  comma-separated login names [student1,student2,student3]
  COURSE_HUB_PASSWORD  the one classroom password (the dummy authenticator) [course]
  COURSE_HUB_ADMIN_TOKEN  if set, an API token with admin rights (scripts, tests, bench)
  COURSE_HUB_IDLE_S    idle seconds before a server is stopped [1800]
  COURSE_HUB_MEM_LIMIT memory limit per student server, e.g. 2G [none on one machine]

This is the instructor's-own-machine setup: every server runs as the same Unix user (the
SimpleLocalProcessSpawner), so the hub keeps students out of each other's servers (a 403/404)
but a student's own code could read another home folder. For a real class, use Zero to
JupyterHub (one container per student; docs/classroom.md) or LocalProcessSpawner with one
Unix account per student.
"""

import os
import secrets
import sys
from pathlib import Path

c = get_config()  # noqa: F821 (JupyterHub defines it when it loads this file)

HERE = Path(__file__).resolve().parent
STATE = Path(os.environ.get("COURSE_HUB_STATE", HERE / ".state")).resolve()
PORT = int(os.environ.get("COURSE_HUB_PORT", "8000"))
STUDENTS = [s for s in os.environ.get("COURSE_HUB_STUDENTS", "student1,student2,student3").split(",") if s]
BIN = Path(sys.executable).parent  # the venv with jupyterhub, the course and its kernel
(STATE / "home").mkdir(parents=True, exist_ok=True)

# The course's quiet, offline environment (helpers/course_env.py, as the Makefile exports it),
# for every kernel: the course is installed in the environment this hub runs from.
from helpers.course_env import COURSE_ENV  # noqa: E402 (after get_config, as JupyterHub loads it)

# Where the hub listens and keeps its state.
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = PORT
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ.get("COURSE_HUB_API_PORT", PORT + 1))
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(STATE / "jupyterhub.pid")
c.JupyterHub.cleanup_servers = True  # stopping the hub stops every student's server

# The proxy (configurable-http-proxy from npm, installed by `npm ci --prefix deploy`).
c.ConfigurableHTTPProxy.command = [str(HERE / "node_modules" / ".bin" / "configurable-http-proxy")]
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{os.environ.get('COURSE_HUB_PROXY_API_PORT', PORT + 2)}"
c.ConfigurableHTTPProxy.pid_file = str(STATE / "proxy.pid")
c.ConfigurableHTTPProxy.auth_token = os.environ.get("CONFIGPROXY_AUTH_TOKEN") or secrets.token_hex(32)

# Logins: the students listed, one shared classroom password; "instructor" is the admin.
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = os.environ.get("COURSE_HUB_PASSWORD", "course")
c.Authenticator.allowed_users = set(STUDENTS)
c.Authenticator.admin_users = {"instructor"}

# One server per student, in their own home folder, opening JupyterLab.
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = str(STATE / "home" / "{username}")
c.Spawner.cmd = [str(BIN / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.args = ["--allow-root"] if os.getuid() == 0 else []
c.Spawner.environment = {**COURSE_ENV, "JUPYTER_CONFIG_PATH": str(HERE / "singleuser")}
c.Spawner.env_keep = ["PATH", "PYTHONPATH", "LANG", "LC_ALL", "VIRTUAL_ENV", "COURSE_NETGUARD_LOG"]
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
if os.environ.get("COURSE_HUB_MEM_LIMIT"):
    c.Spawner.mem_limit = os.environ["COURSE_HUB_MEM_LIMIT"]  # enforced by Kubernetes, not here

# Idle culling, and (optionally) a token for scripts that manage the class.
IDLE_S = int(os.environ.get("COURSE_HUB_IDLE_S", "1800"))
c.JupyterHub.services = [
    {
        "name": "idle-culler",
        "command": [sys.executable, "-m", "jupyterhub_idle_culler",
                    f"--timeout={IDLE_S}", f"--cull-every={max(10, IDLE_S // 6)}"],
    },
]
c.JupyterHub.load_roles = [
    {
        "name": "idle-culler",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["idle-culler"],
    },
]
if os.environ.get("COURSE_HUB_ADMIN_TOKEN"):
    c.JupyterHub.services.append({"name": "course-admin", "api_token": os.environ["COURSE_HUB_ADMIN_TOKEN"]})
    c.JupyterHub.load_roles.append({"name": "admin", "services": ["course-admin"]})
