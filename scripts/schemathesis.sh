#!/usr/bin/env bash
# Schemathesis against the served OpenAPI document: gunicorn (gunicorn.conf.py, one sync worker) on
# 127.0.0.1 and a free port, wait for /readyz, run every check on every operation of /openapi.json with a
# fixed seed, then check that the worker never died and nothing was logged as an error. The server is
# stopped whatever happens; the exit status is non-zero on any failure.
#
#   bash scripts/schemathesis.sh                  # the settled run (seed 20240601, 1000 cases per operation)
#   bash scripts/schemathesis.sh -n 3000 --seed 7 # extra arguments go to `schemathesis run`, after ours
#
# Uses the python on PATH (activate the virtualenv first); installs schemathesis there if it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS_VERSION=4.32.5  # as in pyproject.toml's test extra: a seed replays the same cases only on it
SEED=20240601
EXAMPLES=1000

if ! python -c "import importlib.metadata as m, sys; sys.exit(m.version('schemathesis') != '$SCHEMATHESIS_VERSION')" \
        2>/dev/null; then
    echo "--- pip install schemathesis==$SCHEMATHESIS_VERSION"
    python -m pip install -q "schemathesis==$SCHEMATHESIS_VERSION"
fi

work=$(mktemp -d)
server_pid=""
cleanup() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill "$server_pid" 2>/dev/null || true  # SIGTERM: gunicorn stops its worker and exits
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# What the service answers that the document cannot say: a refusal may also be 413 (body bytes over
# QUOTESVC_MAX_BODY_BYTES, which no schema keyword expresses), and valid data must get a 2xx or that 413.
# No cache: it would replay earlier runs' requests (so a run would depend on the last one) and write
# .schemathesis/ into the checkout.
cat >"$work/schemathesis.toml" <<'TOML'
[cache]
enabled = false

[checks.negative_data_rejection]
expected-statuses = ["400", "413", "415", "422"]

[checks.positive_data_acceptance]
expected-statuses = ["2xx", "413"]
TOML

# A text/plain or text/html body is any string. Schemathesis sends a "wrong type" body (an object, a number)
# for text/html as its text, which is a valid string, yet expects a refusal: it excuses this for text/plain
# only. Drop exactly those failures (body of a text/* type, not a str, and no other mutation than undeclared
# query parameters, which the service ignores); everything else still fails.
cat >"$work/quotesvc_schemathesis_hooks.py" <<'PY'
import schemathesis
from schemathesis.core.parameters import ParameterLocation

BODY = ParameterLocation.BODY


def _undeclared_extras_only(meta, location):
    mutations = [m for m in getattr(meta.phase.data, "mutations", None) or [] if m.parameter_location == location]
    return bool(mutations) and all(tuple(m.keywords) == ("additionalProperties",) for m in mutations)


@schemathesis.hook
def filter_failure(context, failure, case, response):
    if type(failure).__name__ != "AcceptedNegativeData":
        return True
    meta = case.meta
    if meta is None or not meta.is_negative_at(BODY) or isinstance(case.body, str):
        return True
    if (case.media_type or "").split("/")[0].strip().lower() != "text":
        return True
    others = [loc for loc in ParameterLocation if loc is not BODY and meta.is_negative_at(loc)]
    return not all(_undeclared_extras_only(meta, loc) for loc in others)
PY

port=$(python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
base="http://127.0.0.1:$port"
echo "--- gunicorn on $base"
# One worker, never recycled (--max-requests 0), so a changed worker pid can only mean a dead worker.
QUOTESVC_BIND="127.0.0.1:$port" QUOTESVC_WORKERS=1 QUOTESVC_LOG_LEVEL=WARNING \
    python -m gunicorn -c gunicorn.conf.py --max-requests 0 'quotesvc:create_app()' >"$work/server.log" 2>&1 &
server_pid=$!

workers() {  # the gunicorn master's children
    python - "$server_pid" <<'PY'
import os, sys
kids = []
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
    except OSError:
        continue
    if stat.rsplit(")", 1)[1].split()[1] == sys.argv[1]:
        kids.append(int(pid))
print(" ".join(map(str, sorted(kids))))
PY
}

server_failed() {
    echo "schemathesis.sh: $1; server log:" >&2
    cat "$work/server.log" >&2
    exit 1
}

if ! python - "$base" "$server_pid" <<'PY'
import os, sys, time, urllib.error, urllib.request

deadline = time.monotonic() + 180
while True:
    try:
        with urllib.request.urlopen(sys.argv[1] + "/readyz", timeout=5) as r:
            if r.status == 200:
                break
    except (urllib.error.URLError, OSError):
        pass
    try:
        os.kill(int(sys.argv[2]), 0)
    except OSError:
        sys.exit("gunicorn exited")
    if time.monotonic() > deadline:
        sys.exit("/readyz never answered 200")
    time.sleep(0.5)
PY
then
    server_failed "the server did not become ready"
fi
workers_before=$(workers)

echo "--- schemathesis $SCHEMATHESIS_VERSION (seed $SEED, $EXAMPLES cases per operation)"
status=0
# --include-path-regex: without a filter schemathesis leaves out the operation serving the document itself.
SCHEMATHESIS_HOOKS=quotesvc_schemathesis_hooks PYTHONPATH="$work${PYTHONPATH:+:$PYTHONPATH}" \
    python -m schemathesis.cli --config-file "$work/schemathesis.toml" run "$base/openapi.json" \
    --include-path-regex '^/' --checks all --phases examples,coverage,fuzzing,stateful --mode all \
    --seed "$SEED" --max-examples "$EXAMPLES" --workers 1 --generation-database none \
    --request-timeout 60 --continue-on-failure --no-color --output-truncate true "$@" || status=$?

echo "--- the server after the run"
if ! python -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1] + "/readyz", timeout=10)' "$base"; then
    echo "schemathesis.sh: /readyz does not answer 200 after the run" >&2
    status=1
fi
workers_after=$(workers)
if [ "$workers_after" != "$workers_before" ]; then
    echo "schemathesis.sh: gunicorn's worker changed ($workers_before -> $workers_after): a worker died" >&2
    status=1
fi
if grep -E '"level": "(ERROR|CRITICAL)"|\[(ERROR|CRITICAL)\]|Traceback' "$work/server.log" >&2; then
    echo "schemathesis.sh: the server logged errors (above)" >&2
    status=1
fi
if [ "$status" -ne 0 ]; then
    server_failed "failed (status $status)"
fi
echo "--- schemathesis.sh passed: worker $workers_after alive, nothing logged as an error"
