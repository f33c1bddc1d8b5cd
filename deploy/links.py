"""The nbgitpuller link a class clicks: it pulls the course's git repository into the student's
home folder (a fresh clone the first time, a merge that keeps their edits afterwards) and
opens a lesson in JupyterLab.

    https://<hub>/hub/user-redirect/git-pull?repo=<git URL>&branch=<branch>
        &targetpath=how-transformers-read&urlpath=lab/tree/how-transformers-read/notebooks/<lesson>

`user-redirect` sends each student to their own server (/user/<name>/), starting it if needed.
"""

from urllib.parse import urlencode

TARGET = "how-transformers-read"  # the folder the course lands in, inside each home


def lesson_urlpath(notebook: str, target: str = TARGET) -> str:
    """Return the JupyterLab path of a lesson inside a pulled course, e.g.
    'lab/tree/how-transformers-read/notebooks/01_tokenization.ipynb'."""
    return f"lab/tree/{target}/notebooks/{notebook}"


def pull_query(repo: str, branch: str, notebook: str | None = None, target: str = TARGET) -> str:
    """Return the query string of an nbgitpuller link (repo, branch, targetpath, urlpath)."""
    params = {"repo": repo, "branch": branch, "targetpath": target}
    if notebook:
        params["urlpath"] = lesson_urlpath(notebook, target)
    return urlencode(params)


def pull_link(hub_url: str, repo: str, branch: str, notebook: str = "01_tokenization.ipynb") -> str:
    """Return the link to give a class: any student who opens it gets the course and `notebook`."""
    return f"{hub_url.rstrip('/')}/hub/user-redirect/git-pull?{pull_query(repo, branch, notebook)}"
