"""Each student's Jupyter server on the classroom hub (JUPYTER_CONFIG_PATH points here; the
Zero to JupyterHub image copies this folder to /etc/jupyter/). Nothing is fetched from the
internet on the student's behalf, and nobody is asked about it: no JupyterLab news feed (nor
its "get notified about news?" prompt), no update check."""

from pathlib import Path

c = get_config()  # noqa: F821 (Jupyter defines it when it loads this file)

c.LabApp.news_url = None
c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"
# overrides.json there: the notification settings' defaults (fetchNews "false", no update check)
c.LabApp.app_settings_dir = str(Path(__file__).resolve().parent / "lab-settings")
