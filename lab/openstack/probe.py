#!/usr/bin/python3
"""Readiness probe of the lab cloud, through the real APIs only (stdlib, no client libraries).

Polls until every check passes (exit 0) or --timeout expires (exit 1); exits 2 early when one of the
processes named by --pids dies. Prints one line per milestone, with the time since --t0.

Checks (all as the admin user, scoped to the admin project):
  keystone   password authentication issues a token (and its catalog)
  apis       placement, glance, nova (flavors), neutron (networks), cinder (volume types) answer 200
  compute    nova-compute, nova-conductor and nova-scheduler reported state "up" since --since
             (a restored snapshot carries old heartbeats: only a report from this run counts)
  volume     cinder-scheduler knows the cinder-volume backend's pool (scheduler-stats/get_pools)
  seed       (--min-flavors N) at least N flavors exist
Secrets come from the environment: OS_PASSWORD.
"""
import argparse
import datetime
import json
import os
import sys
import time
import urllib.error
import urllib.request


def http(method, url, token=None, body=None, headers=None, timeout=10):
    h = {"Accept": "application/json"}
    if body is not None:
        h["Content-Type"] = "application/json"
    if token:
        h["X-Auth-Token"] = token
    h.update(headers or {})
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, headers=h, method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            raw = r.read()
            return r.status, r.headers, (json.loads(raw) if raw else None)
    except urllib.error.HTTPError as e:
        return e.code, e.headers, None


def parse_ts(s):
    # nova: 2025-01-01T10:00:00.000000 ; cinder: 2025-01-01T10:00:00.000000 (naive UTC)
    s = s.rstrip("Z").split("+")[0]
    fmt = "%Y-%m-%dT%H:%M:%S.%f" if "." in s else "%Y-%m-%dT%H:%M:%S"
    return datetime.datetime.strptime(s, fmt).replace(tzinfo=datetime.timezone.utc).timestamp()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--auth-url", required=True)
    ap.add_argument("--username", default="admin")
    ap.add_argument("--project", default="admin")
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("--t0", type=float, default=time.time(), help="epoch the printed times are relative to")
    ap.add_argument("--since", type=float, default=0, help="epoch: service reports older than this do not count")
    ap.add_argument("--pids", default="", help="comma separated pid files that must stay alive")
    ap.add_argument("--min-flavors", type=int, default=0)
    ap.add_argument("--no-services", action="store_true", help="only keystone + API answers")
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args()
    password = os.environ["OS_PASSWORD"]
    deadline = time.time() + a.timeout
    done = set()

    def mark(name, detail=""):
        if name not in done:
            done.add(name)
            if not a.quiet:
                print(f"[{time.time() - a.t0:6.1f}s] {name}{': ' + detail if detail else ''}", flush=True)

    def dead():
        for f in filter(None, a.pids.split(",")):
            try:
                pid = int(open(f).read().split()[0])
                os.kill(pid, 0)
            except (OSError, ValueError, IndexError):
                return os.path.basename(f).rsplit(".", 1)[0]
        return None

    token = None
    eps = {}
    while True:
        missing = []
        try:
            if token is None:
                body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
                    "name": a.username, "domain": {"name": "Default"}, "password": password}}},
                    "scope": {"project": {"name": a.project, "domain": {"name": "Default"}}}}}
                st, hdr, js = http("POST", a.auth_url + "/auth/tokens", body=body)
                if st != 201:
                    raise RuntimeError(f"keystone token: HTTP {st}")
                token = hdr["X-Subject-Token"]
                for svc in js["token"]["catalog"]:
                    for ep in svc["endpoints"]:
                        if ep["interface"] == "public":
                            eps[svc["type"]] = ep["url"].rstrip("/")
                mark("keystone", "token issued")
            need = ["placement", "image", "compute", "network", "volumev3"]
            if [t for t in need if t not in eps]:
                raise RuntimeError("catalog lacks " + ",".join(t for t in need if t not in eps))
            results = {}
            for name, url in [("placement", eps["placement"] + "/"),
                              ("glance", eps["image"] + "/v2/images?limit=1"),
                              ("nova", eps["compute"] + "/flavors/detail?is_public=None"),
                              ("neutron", eps["network"] + "/v2.0/networks"),
                              ("cinder", eps["volumev3"] + "/types")]:
                st, _, js = http("GET", url, token)
                if st != 200:
                    missing.append(f"{name} HTTP {st}")
                results[name] = js
            if not missing:
                mark("apis", "flavors=%d networks=%d volume_types=%d" % (
                    len(results["nova"]["flavors"]), len(results["neutron"]["networks"]),
                    len(results["cinder"]["volume_types"])))
                if len(results["nova"]["flavors"]) < a.min_flavors:
                    missing.append("seed (flavors)")
            if not a.no_services and not missing:
                st, _, js = http("GET", eps["compute"] + "/os-services", token)
                fresh = {s["binary"] for s in (js or {}).get("services", [])
                         if s["state"] == "up" and s.get("updated_at") and parse_ts(s["updated_at"]) >= a.since - 1}
                lack = {"nova-compute", "nova-conductor", "nova-scheduler"} - fresh
                if lack:
                    missing.append("nova services " + ",".join(sorted(lack)))
                else:
                    mark("compute", "nova-compute/conductor/scheduler up")
                st, _, js = http("GET", eps["volumev3"] + "/scheduler-stats/get_pools", token)
                pools = [p["name"] for p in (js or {}).get("pools", [])]
                if not pools:
                    missing.append("cinder pool")
                else:
                    mark("volume", "pool " + ",".join(pools))
        except (OSError, RuntimeError, KeyError, ValueError) as e:
            missing.append(str(e) or type(e).__name__)
            if "token" in str(e):
                token = None
        if not missing:
            mark("ready")
            return 0
        d = dead()
        if d:
            print(f"[{time.time() - a.t0:6.1f}s] process {d} died", file=sys.stderr)
            return 2
        if time.time() > deadline:
            print(f"[{time.time() - a.t0:6.1f}s] timeout; still missing: {'; '.join(missing)}", file=sys.stderr)
            return 1
        time.sleep(0.5)


if __name__ == "__main__":
    sys.exit(main())
