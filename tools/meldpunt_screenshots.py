"""Screenshots of the meldpunt's public pages at a phone's width, from the
demo database (Gemeente Hengelo's page is open there).

Start the product first (``./dev run``), then::

    .venv/bin/python tools/meldpunt_screenshots.py [--url http://127.0.0.1:8069]

It fills in the form as a visitor does (no login), sends a report with an
error first and then a good one, opens the status page with the receipt,
and writes full-page PNG files (390 px wide) to ``docs/screenshots/``. The
demo gets one more report from this run.
"""

import argparse
import base64
import json
import pathlib
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from screenshots import OUT, Chrome  # noqa: E402

# A command-line script: it reports on stdout.
# pylint: disable=print-used

WIDTH, HEIGHT = 390, 844


def evaluate(chrome, expression):
    result = chrome.send(
        "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
    )
    return result.get("result", {}).get("value")


def shoot(chrome, name):
    height = evaluate(chrome, "document.documentElement.scrollHeight") or HEIGHT
    chrome.send(
        "Emulation.setDeviceMetricsOverride",
        width=WIDTH,
        height=int(height),
        deviceScaleFactor=1,
        mobile=True,
    )
    time.sleep(0.5)
    shot = chrome.send("Page.captureScreenshot", format="png")
    (OUT / name).write_bytes(base64.b64decode(shot["data"]))
    chrome.send(
        "Emulation.setDeviceMetricsOverride",
        width=WIDTH,
        height=HEIGHT,
        deviceScaleFactor=1,
        mobile=True,
    )
    print(f"screenshots: {OUT / name}")


def press(chrome, selector, then):
    evaluate(chrome, "window.__old = true")
    evaluate(chrome, f"document.querySelector({json.dumps(selector)}).click()")
    deadline = time.time() + 30
    while time.time() < deadline:
        if evaluate(
            chrome, f"!window.__old && !!document.querySelector({json.dumps(then)})"
        ):
            return
        time.sleep(0.3)
    raise TimeoutError(then)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8069")
    parser.add_argument("--slug", default="hengelo")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    page = f"{args.url}/ondermijning/melden/{args.slug}"
    chrome = Chrome()
    try:
        chrome.send("Page.enable")
        chrome.send("Network.enable")
        chrome.send("Network.clearBrowserCookies")
        chrome.send(
            "Emulation.setDeviceMetricsOverride",
            width=WIDTH,
            height=HEIGHT,
            deviceScaleFactor=1,
            mobile=True,
        )
        chrome.send("Page.navigate", url=page)
        chrome.wait_for("#description")
        shoot(chrome, "meldpunt-form.png")
        time.sleep(3)  # the form refuses what is sent within seconds
        press(chrome, "button.mp-button", ".mp-error-summary")
        shoot(chrome, "meldpunt-form-errors.png")
        evaluate(
            chrome,
            "(s => s.value = s.options[2].value)"
            "(document.querySelector('#categorie_id'));"
            "document.querySelector('#description').value = 'Elke nacht busjes bij"
            " de loods aan de Havenweg, ramen afgeplakt.';"
            "document.querySelector('#place').value = 'Havenweg 12'",
        )
        time.sleep(3)
        press(chrome, "button.mp-button", "#receipt-code")
        shoot(chrome, "meldpunt-receipt.png")
        code = evaluate(chrome, "document.querySelector('#receipt-code').textContent")
        secret = evaluate(
            chrome, "document.querySelector('#receipt-secret').textContent"
        )
        chrome.send("Page.navigate", url=f"{page}/status")
        chrome.wait_for("#code")
        evaluate(
            chrome,
            f"document.querySelector('#code').value = {json.dumps(code)};"
            f"document.querySelector('#secret').value = {json.dumps(secret)}",
        )
        press(chrome, "button.mp-button", "#report-status")
        shoot(chrome, "meldpunt-status.png")
        cookies = chrome.send("Network.getAllCookies").get("cookies", [])
        print(f"screenshots: cookies in the browser afterwards: {len(cookies)}")
    finally:
        chrome.close()


if __name__ == "__main__":
    main()
