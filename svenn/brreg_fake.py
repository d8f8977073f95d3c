"""A stand-in for Enhetsregisteret's ``/enheter`` API, serving the recorded answers in
tests/brreg/ (the real response shape), so Svenn's look-up runs without the network.

``make brreg-fake`` serves it on port 8099; ``BRREG_API_URL=http://127.0.0.1:8099 make
run`` points Svenn at it. The tests start it on a free port (``FakeRegistry``) and
set ``behaviour`` to make it slow, broken or malformed.

- ``GET /enheter/{orgnr}``: the recorded unit; ``fjernet.json`` answers 410 (a unit
  removed from the register), any other number 404 (``ukjent.json``).
- ``GET /enheter?navn=...&size=...``: the recorded units whose name contains
  ``navn``, in the shape of ``sok.json`` (``_embedded.enheter`` and ``page``).
"""

import argparse
import json
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

ANSWERS = Path(__file__).resolve().parent.parent / "tests" / "brreg"
MEDIA_TYPE = "application/vnd.brreg.enhetsregisteret.enhet.v2+json;charset=UTF-8"
NORMAL, SLOW, ERROR, MALFORMED = "normal", "slow", "error", "malformed"
SLOW_SECONDS = 2.5  # past the client's 2 s timeout


class Answers:
    """The recorded answers, read once."""

    def __init__(self, folder=ANSWERS):
        def read(name):
            return json.loads((folder / name).read_text(encoding="utf-8"))

        self.search_page = read("sok.json")
        self.unknown = read("ukjent.json")
        # The recorded search's units first, in its order, then every unit's own file.
        self.units = {
            unit["organisasjonsnummer"]: (HTTPStatus.OK, unit)
            for unit in self.search_page["_embedded"]["enheter"]
        }
        for path in sorted(folder.glob("*.json")):
            if path.name in {"sok.json", "ukjent.json"}:
                continue
            body = read(path.name)
            status = HTTPStatus.GONE if path.name == "fjernet.json" else HTTPStatus.OK
            self.units[body["organisasjonsnummer"]] = (status, body)

    def unit(self, number):
        if number in self.units:
            return self.units[number]
        body = {**self.unknown, "path": f"/enhetsregisteret/api/enheter/{number}"}
        body["message"] = f"Ingen enhet med organisasjonsnummer {number} ble funnet"
        return HTTPStatus.NOT_FOUND, body

    def search(self, name, size):
        wanted = name.casefold()
        found = [
            body
            for status, body in self.units.values()
            if status == HTTPStatus.OK and wanted in body.get("navn", "").casefold()
        ]
        page = {"size": size, "totalElements": len(found), "totalPages": -(-len(found) // size)}
        answer = {"_links": self.search_page["_links"], "page": {**page, "number": 0}}
        if found:  # the registry leaves _embedded out when nothing matches
            answer["_embedded"] = {"enheter": found[:size]}
        return HTTPStatus.OK, answer


class Handler(BaseHTTPRequestHandler):
    server_version = "brreg-fake"

    def do_GET(self):
        self.server.requests.append(self.path)
        behaviour = self.server.behaviour
        if behaviour == SLOW:
            time.sleep(SLOW_SECONDS)
        if behaviour == ERROR:
            return self.send(HTTPStatus.INTERNAL_SERVER_ERROR, b'{"status": 500}')
        if behaviour == MALFORMED:
            return self.send(HTTPStatus.OK, b'{"organisasjonsnummer": "9153')
        status, body = self.answer(urlsplit(self.path))
        return self.send(status, json.dumps(body, ensure_ascii=False).encode())

    def answer(self, url):
        parts = url.path.rstrip("/").split("/")
        answers = self.server.answers
        if parts[-1] == "enheter":
            query = parse_qs(url.query)
            size = int((query.get("size") or ["20"])[0])
            return answers.search((query.get("navn") or [""])[0], max(1, min(size, 100)))
        if len(parts) >= 2 and parts[-2] == "enheter":
            return answers.unit(parts[-1])
        return HTTPStatus.NOT_FOUND, {"status": 404, "error": "Not Found", "path": url.path}

    def send(self, status, body):
        self.send_response(status)
        self.send_header("Content-Type", MEDIA_TYPE)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        if self.server.verbose:
            super().log_message(format, *args)


class FakeRegistry:
    """The fake on ``port`` (0: a free one) in a background thread, as a context
    manager: ``with FakeRegistry() as registry: registry.url``."""

    def __init__(self, port=0, *, verbose=False):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.httpd.daemon_threads = True
        self.httpd.answers = Answers()
        self.httpd.behaviour = NORMAL
        self.httpd.requests = []
        self.httpd.verbose = verbose

    @property
    def url(self):
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def requests(self):
        """The paths asked so far."""
        return self.httpd.requests

    @property
    def behaviour(self):
        return self.httpd.behaviour

    @behaviour.setter
    def behaviour(self, value):
        self.httpd.behaviour = value

    def __enter__(self):
        threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8099)
    port = parser.parse_args().port
    registry = FakeRegistry(port, verbose=True)
    print(f"Recorded Enhetsregisteret answers on {registry.url} (Ctrl-C stops)")
    print("Try the org. no. 915 333 141, or the name 'bakeriet'.", flush=True)
    try:
        registry.httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        registry.httpd.server_close()


if __name__ == "__main__":
    main()
