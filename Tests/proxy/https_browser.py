"""Loads pages through the proxy's HTTPS in headless Chromium and reports what the page sees, as JSON.

  https_browser.py URL [URL...]

Chromium trusts what is in $HOME/.pki/nssdb (the test puts Port Daddy's CA there with `pd trust`), and maps
*.pd.test to 127.0.0.1. For each URL: the final protocol, window.isSecureContext, the start of the body text,
and the protocol the page came over (nextHopProtocol: h2, http/1.1). A certificate Chromium does not trust shows its error page instead (protocol chrome-error:).
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
            "[location.protocol, window.isSecureContext, document.body.innerText.slice(0, 4000),"
            " performance.getEntriesByType('navigation')[0].nextHopProtocol] : null"), timeout=30)
        protocol, secure, text, hop = seen or [None, None, None, None]
        report.append({"url": url, "protocol": protocol, "secure": secure, "text": text, "hop": hop})
print(json.dumps(report))
