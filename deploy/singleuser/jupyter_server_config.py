"""Each student's Jupyter server on the classroom hub (JUPYTER_CONFIG_PATH points here; the
Zero to JupyterHub image copies this file to /etc/jupyter/). Nothing is fetched from the
internet on the student's behalf: no JupyterLab news feed, no update check."""

c = get_config()  # noqa: F821 (Jupyter defines it when it loads this file)

c.LabApp.news_url = None
c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"
