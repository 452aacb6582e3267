"""Loads pages through the proxy's HTTPS in headless Chromium and reports what the page sees, as JSON.

  https_browser.py URL [URL...]

Chromium trusts what is in $HOME/.pki/nssdb (the test puts Port Daddy's CA there with `pd trust`), and maps
*.pd.test to 127.0.0.1. For each URL: the final protocol, window.isSecureContext, and the start of the body
text. A certificate Chromium does not trust shows its error page instead (protocol chrome-error:).
"""
import json, os, sys, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "dashboard"))
from cdp import Browser, wait_until  # noqa: E402

report = []
with Browser(["--host-resolver-rules=MAP *.pd.test 127.0.0.1"]) as browser:
    for url in sys.argv[1:]:
        browser.ws.call("Page.navigate", url=url)
        seen = wait_until(lambda: browser.eval(
            "document.readyState === 'complete' && location.href !== 'about:blank' && document.body ? "
            "[location.protocol, window.isSecureContext, document.body.innerText.slice(0, 400)] : null"), timeout=30)
        protocol, secure, text = seen or [None, None, None]
        report.append({"url": url, "protocol": protocol, "secure": secure, "text": text})
print(json.dumps(report))
