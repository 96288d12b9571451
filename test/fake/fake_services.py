#!/usr/bin/env python3
"""Loopback fakes of Notion, Pinecone and an OpenAI-compatible embeddings API
for amprenta's tests (Python 3 standard library only).

  python3 test/fake/fake_services.py --notion-port 0 --pinecone-control-port 0 \
      --pinecone-data-port 0 --openai-port 0 [--seed FILE.json] [--host 127.0.0.1]

Port 0 picks a free port.  When every listener is up, one JSON line is printed
on stdout:

  {"ready":true,"ports":{"notion":N,"pinecone_control":N,"pinecone_data":{"<index>":N},"openai":N}}

SIGTERM or SIGINT stops the listeners and exits with status 0.
See test/fake/README.md for the control API and the seed format.
"""

import argparse
import gc
import json
import os
import signal
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from fakesvc.app import App  # noqa: E402


GC_THRESHOLD = 50000


def parse_args(argv):
    p = argparse.ArgumentParser(description="Fake Notion / Pinecone / OpenAI-compatible services on loopback.")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--notion-port", type=int, default=0, help="Notion API port (0 = any free port)")
    p.add_argument("--pinecone-control-port", type=int, default=0,
                   help="Pinecone control plane + Inference port (0 = any free port)")
    p.add_argument("--pinecone-data-port", type=int, default=0,
                   help="first Pinecone data-plane port; index i of the seed gets this + i (0 = any free port)")
    p.add_argument("--openai-port", type=int, default=0, help="OpenAI-compatible API port (0 = any free port)")
    p.add_argument("--seed", metavar="FILE.json", help="seed file (databases, indexes, models, tokens, config)")
    p.add_argument("--verbose", action="store_true", help="log each request line on stderr")
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    seed = {}
    if args.seed:
        try:
            with open(args.seed, encoding="utf-8") as fh:
                seed = json.load(fh)
        except (OSError, ValueError) as exc:
            print("fake_services: cannot read seed %s: %s" % (args.seed, exc), file=sys.stderr)
            return 2

    # A request body of a thousand vectors decodes to a few thousand lists
    # and dicts at once, and with the default thresholds every upsert set off
    # collections that walked all of them.  Cycles are rare here (an error's
    # traceback now and then): collect them seldom.
    gc.set_threshold(GC_THRESHOLD)
    app = App(host=args.host, verbose=args.verbose)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    try:
        app.listen("notion", args.notion_port, "notion")
        app.listen("pinecone_control", args.pinecone_control_port, "pinecone_control")
        app.listen("openai", args.openai_port, "openai")
        app.pinecone.base_data_port = args.pinecone_data_port
        app.add_seed(seed, startup=True)
    except (OSError, ValueError, TypeError) as exc:
        print("fake_services: %s" % exc, file=sys.stderr)
        app.shutdown()
        return 2

    sys.stdout.write(json.dumps({"ready": True, "ports": app.ports()}, separators=(",", ":")) + "\n")
    sys.stdout.flush()
    while not stop.wait(0.5):
        pass
    app.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
