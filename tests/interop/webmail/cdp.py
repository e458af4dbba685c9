"""A small Chrome DevTools Protocol client over python3-websockets: headless Chromium started with
--remote-debugging-port=0 (the port is read from DevToolsActivePort), one page, and the handful
of commands the web mail test needs: navigate, evaluate, set a file input, screenshot.

Every wait has a deadline; nothing sleeps to synchronise.
"""
import asyncio
import base64
import json
import os
import shutil
import subprocess
import time
import urllib.request

import websockets

from conftest import start_group, stop_group

CHROMIUM = shutil.which("chromium")


class Page:
    def __init__(self, user_dir, width=412, height=915):  # a phone-sized window
        self.proc = start_group(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-quic",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--disable-dev-shm-usage", "--no-proxy-server", "--ignore-certificate-errors",
             "--remote-debugging-port=0", f"--user-data-dir={user_dir}", f"--window-size={width},{height}",
             "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = os.path.join(user_dir, "DevToolsActivePort")
        end = time.monotonic() + 30
        while not (os.path.exists(port_file) and open(port_file).read().count("\n") >= 1):
            if time.monotonic() > end or self.proc.poll() is not None:
                self.close()
                raise TimeoutError("chromium did not open its DevTools port")
            time.sleep(0.05)
        port = int(open(port_file).read().split("\n")[0])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as r:
            target = next(t for t in json.load(r) if t["type"] == "page")
        self.loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self.loop)
        self.ws = self.loop.run_until_complete(websockets.connect(target["webSocketDebuggerUrl"], max_size=None))
        self.next_id, self.events = 0, []
        self.call("Page.enable")
        self.call("Runtime.enable")

    async def _call(self, method, params, deadline):
        self.next_id += 1
        my_id = self.next_id
        await self.ws.send(json.dumps({"id": my_id, "method": method, "params": params}))
        while True:
            message = json.loads(await asyncio.wait_for(self.ws.recv(), deadline))
            if message.get("id") == my_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def call(self, method, deadline=30, **params):
        return self.loop.run_until_complete(self._call(method, params, deadline))

    async def _event(self, name, deadline):
        end = time.monotonic() + deadline
        while True:
            for i, e in enumerate(self.events):
                if e.get("method") == name:
                    return self.events.pop(i)
            self.events.append(json.loads(await asyncio.wait_for(self.ws.recv(), max(0.01, end - time.monotonic()))))

    def wait_event(self, name, deadline=30):
        return self.loop.run_until_complete(self._event(name, deadline))

    def evaluate(self, expression):
        r = self.call("Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True)
        if "exceptionDetails" in r:
            raise RuntimeError(f"{expression}: {r['exceptionDetails']}")
        return r["result"].get("value")

    def navigate(self, url):
        self.events = [e for e in self.events if e.get("method") != "Page.loadEventFired"]
        self.call("Page.navigate", url=url)
        self.wait_event("Page.loadEventFired")

    def click_and_wait(self, selector):
        """Clicks a submit button and waits for the page it leads to."""
        self.events = [e for e in self.events if e.get("method") != "Page.loadEventFired"]
        self.evaluate(f"document.querySelector({json.dumps(selector)}).click()")
        self.wait_event("Page.loadEventFired")

    def wait_for(self, expression, deadline=30):
        end = time.monotonic() + deadline
        while not self.evaluate(expression):
            if time.monotonic() > end:
                raise TimeoutError(expression)
            time.sleep(0.2)

    def set_files(self, selector, paths):
        root = self.call("DOM.getDocument")["root"]["nodeId"]
        node = self.call("DOM.querySelector", nodeId=root, selector=selector)["nodeId"]
        self.call("DOM.setFileInputFiles", files=[str(p) for p in paths], nodeId=node)

    def screenshot(self, path):
        data = self.call("Page.captureScreenshot", format="png")["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))
        print(f"screenshot: {path}")
        return path

    def close(self):
        if getattr(self, "ws", None):
            self.loop.run_until_complete(self.ws.close())
            self.loop.close()
        stop_group(self.proc)
