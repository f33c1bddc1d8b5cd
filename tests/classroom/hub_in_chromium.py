"""Drive a running `make hub` in headless Chromium, as a student would: log in, open the class's
nbgitpuller link, wait for lesson 1 in JupyterLab, save a screenshot (run by hand, not by pytest).

    python tests/classroom/hub_in_chromium.py <nbgitpuller link> out.png [student] [password]
"""

import sys
from urllib.parse import urlsplit

from playwright.sync_api import sync_playwright

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def drive(link: str, out: str, user: str = "student1", password: str = "course") -> None:
    base = "{0.scheme}://{0.netloc}".format(urlsplit(link))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(f"{base}/hub/login")
        page.fill("#username_input", user)
        page.fill("#password_input", password)
        page.click("#login_submit")
        page.wait_for_url("**/user/**", timeout=120_000)
        page.goto(link)
        page.wait_for_url("**/lab/tree/**", timeout=180_000)
        page.locator(".jp-Notebook .jp-RenderedHTMLCommon h1").first.wait_for(timeout=120_000)
        page.wait_for_timeout(3000)
        page.screenshot(path=out)
        print("opened", page.url)
        browser.close()


if __name__ == "__main__":
    drive(*sys.argv[1:])
