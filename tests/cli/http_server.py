#!/usr/bin/python3
"""A small HTTP server for the fetch tests: serves the files of --root on
127.0.0.1 (a port the system chooses, written to --port-file), with Range
requests, and logs every request to --log as "GET PATH range=RANGE".

The first path component chooses how a file is served, so that each test
case is just a URL in a test catalog:

  /ok/FILE        normally, with Range support
  /cut-N/FILE     the first request for this path sends N bytes of the file
                  and closes the connection; later ones are normal
  /norange/FILE   ignores Range: always the whole file, 200
  /404/FILE       404 Not Found
  /wrong/FILE     the file with bytes changed in its middle (same size)
  /slow/FILE      normally, in 16 pieces with pauses between them
  /redirect-file/FILE  302 to file:///etc/passwd
  /endless/FILE   200 with no Content-Length, then the file over and over
                  until the client hangs up (a server that never stops)

It exits by itself when the process that started it is gone, so that a test
killed before its trap runs (a CTest timeout) leaves no server behind.
"""
import argparse
import http.server
import os
import re
import threading
import time

LOCK = threading.Lock()
SEEN = set()


def read_file(root, name):
    path = os.path.join(root, os.path.basename(name))
    with open(path, "rb") as f:
        return f.read()


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def log_request_line(self):
        with LOCK, open(self.server.log_path, "a") as log:
            log.write("GET %s range=%s\n" % (self.path, self.headers.get("Range", "-")))

    def do_GET(self):
        self.log_request_line()
        parts = self.path.split("/")
        if len(parts) != 3 or not parts[2]:
            self.send_error(400)
            return
        mode, name = parts[1], parts[2]
        if mode == "404":
            self.send_error(404)
            return
        if mode == "redirect-file":
            self.send_response(302)
            self.send_header("Location", "file:///etc/passwd")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        try:
            data = read_file(self.server.root, name)
        except OSError:
            self.send_error(404)
            return
        if mode == "endless":
            self.send_response(200)
            self.end_headers()
            try:
                while True:
                    self.wfile.write(data)
            except OSError:
                pass
            self.close_connection = True
            return
        if mode == "wrong":
            middle = len(data) // 2
            data = data[:middle] + bytes(b ^ 0xFF for b in data[middle:middle + 64]) + data[middle + 64:]
        start = 0
        wanted = self.headers.get("Range")
        if wanted and mode != "norange":
            m = re.fullmatch(r"bytes=(\d+)-", wanted)
            if not m:
                self.send_error(400)
                return
            start = int(m.group(1))
            if start >= len(data):
                self.send_response(416)
                self.send_header("Content-Range", "bytes */%d" % len(data))
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(206)
            self.send_header("Content-Range", "bytes %d-%d/%d" % (start, len(data) - 1, len(data)))
        else:
            self.send_response(200)
        body = data[start:]
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        m = re.fullmatch(r"cut-(\d+)", mode)
        if m:
            with LOCK:
                first = self.path not in SEEN
                SEEN.add(self.path)
            if first:
                self.wfile.write(body[: int(m.group(1))])
                self.wfile.flush()
                self.close_connection = True
                return
        if mode == "slow":
            piece = len(body) // 16 + 1
            for i in range(0, len(body), piece):
                self.wfile.write(body[i : i + piece])
                self.wfile.flush()
                time.sleep(0.05)
            return
        self.wfile.write(body)


def exit_with_parent():
    parent = os.getppid()
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", required=True)
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--log", required=True)
    args = parser.parse_args()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.root = args.root
    server.log_path = args.log
    open(args.log, "a").close()
    with open(args.port_file + ".tmp", "w") as f:
        f.write("%d\n" % server.server_address[1])
    os.rename(args.port_file + ".tmp", args.port_file)
    threading.Thread(target=exit_with_parent, daemon=True).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
