# A Python program as `pulselog run` meets it: JSON log lines on stdout, a
# plain line on stderr, then it dies of an uncaught exception (a traceback on
# stderr, exit code 1). It waits for the file named by argv[1] first, so a
# test can have a tab open before it ends.
import json
import os
import sys
import time


def log(level, msg, **fields):
    print(json.dumps({"level": level, "msg": msg, "time": time.time(), **fields}), flush=True)


log("info", "job started", shards=3, otlp=os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT", ""))
log("warning", "shard 2 is slow", shard=2)
print("plain note on stderr", file=sys.stderr, flush=True)
deadline = time.time() + 30
while len(sys.argv) > 1 and not os.path.exists(sys.argv[1]) and time.time() < deadline:
    time.sleep(0.05)


def load(shard):
    raise ValueError(f"shard {shard} is corrupt")


load(3)
