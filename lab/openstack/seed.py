#!/usr/bin/python3
"""Bootstrap and seed the lab cloud through its real APIs (stdlib only). Idempotent: finds before it creates.

  seed.py catalog   keystone only: service project, service users (admin + service roles), service catalog
  seed.py site      a small "real site": projects, users, quotas, flavors, networks, volume types;
                    writes the manifest (--manifest, JSON)

Environment: OS_AUTH_URL, OS_PASSWORD (admin), FFO_OS_SVC_PASSWORD (service users), FFO_OS_ENDPOINTS
(JSON {service type: url}, for `catalog`), FFO_OS_HOST (compute/volume host name, for the manifest).
Part of the golden snapshot key: editing this file makes the next start rebuild the snapshot.
"""
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

AUTH_URL = os.environ["OS_AUTH_URL"].rstrip("/")
ADMIN_PW = os.environ["OS_PASSWORD"]
REGION = "RegionOne"
SERVICE_USERS = ["glance", "placement", "nova", "neutron", "cinder"]
T0 = time.time()


def log(msg):
    print(f"[seed {time.time() - T0:5.1f}s] {msg}", flush=True)


class ApiError(RuntimeError):
    pass


class Cloud:
    def __init__(self, project="admin"):
        body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
            "name": "admin", "domain": {"name": "Default"}, "password": ADMIN_PW}}},
            "scope": {"project": {"name": project, "domain": {"name": "Default"}}}}}
        st, hdr, js = self._raw("POST", AUTH_URL + "/auth/tokens", body)
        if st != 201:
            raise ApiError(f"token: HTTP {st} {js}")
        self.token = hdr["X-Subject-Token"]
        self.project_id = js["token"]["project"]["id"]
        self.eps = {s["type"]: e["url"].rstrip("/") for s in js["token"].get("catalog", [])
                    for e in s["endpoints"] if e["interface"] == "public"}
        self.eps.setdefault("identity", AUTH_URL)

    @staticmethod
    def _raw(method, url, body=None, headers=None):
        h = {"Accept": "application/json"}
        if body is not None:
            h["Content-Type"] = "application/json"
        h.update(headers or {})
        req = urllib.request.Request(url, data=json.dumps(body).encode() if body is not None else None,
                                     headers=h, method=method)
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                raw = r.read()
                return r.status, r.headers, (json.loads(raw) if raw else None)
        except urllib.error.HTTPError as e:
            raw = e.read()
            try:
                return e.code, e.headers, json.loads(raw)
            except ValueError:
                return e.code, e.headers, raw.decode(errors="replace")

    def call(self, service, method, path, body=None, ok=(200, 201, 202, 204), microversion=None):
        headers = {"X-Auth-Token": self.token}
        if microversion:
            headers["OpenStack-API-Version"] = microversion
            if service == "compute":
                headers["X-OpenStack-Nova-API-Version"] = microversion.split()[-1]
        st, _, js = self._raw(method, self.eps[service] + path, body, headers)
        if st not in ok:
            raise ApiError(f"{method} {service}{path}: HTTP {st} {js}")
        return js

    # shorthands
    def ks(self, method, path, body=None, ok=(200, 201, 204)):
        return self.call("identity", method, path, body, ok)

    def nova(self, method, path, body=None, ok=(200, 201, 202, 204)):
        return self.call("compute", method, path, body, ok, microversion="compute 2.88")

    def neutron(self, method, path, body=None, ok=(200, 201, 204)):
        return self.call("network", method, "/v2.0" + path, body, ok)

    def cinder(self, method, path, body=None, ok=(200, 201, 202, 204)):
        return self.call("volumev3", method, path, body, ok, microversion="volume 3.62")


def q(**kw):
    return "?" + urllib.parse.urlencode(kw)


def find_or_create(c, kind, plural, name, body, extra_query=None):
    """keystone: GET /v3/<plural>?name=...; create when absent."""
    query = {"name": name, **(extra_query or {})}
    found = c.ks("GET", f"/{plural}" + q(**query))[plural]
    if found:
        return found[0]
    return c.ks("POST", f"/{plural}", {kind: {"name": name, **body}})[kind]


def grant(c, project_id, user_id, role_id):
    c.ks("PUT", f"/projects/{project_id}/users/{user_id}/roles/{role_id}")


def role_id(c, name):
    roles = c.ks("GET", "/roles" + q(name=name))["roles"]
    return roles[0]["id"] if roles else c.ks("POST", "/roles", {"role": {"name": name}})["role"]["id"]


# --------------------------------------------------------------------------------------------- catalog
def catalog():
    svc_pw = os.environ["FFO_OS_SVC_PASSWORD"]
    endpoints = json.loads(os.environ["FFO_OS_ENDPOINTS"])
    c = Cloud()
    service_project = find_or_create(c, "project", "projects", "service",
                                     {"domain_id": "default", "description": "OpenStack service users"})
    admin_role = role_id(c, "admin")
    # since OSSA-2023-003 cinder lets nova delete an in-use attachment only with a service token whose
    # user has the "service" role (nova.conf [service_user])
    service_role = role_id(c, "service")
    for u in SERVICE_USERS:
        user = find_or_create(c, "user", "users", u, {"domain_id": "default", "password": svc_pw},
                              {"domain_id": "default"})
        grant(c, service_project["id"], user["id"], admin_role)
        grant(c, service_project["id"], user["id"], service_role)
    names = {"image": "glance", "placement": "placement", "compute": "nova", "network": "neutron",
             "volumev3": "cinderv3", "block-storage": "cinder"}
    for typ, url in endpoints.items():
        svcs = c.ks("GET", "/services" + q(type=typ))["services"]
        svc = svcs[0] if svcs else c.ks("POST", "/services", {"service": {"name": names[typ], "type": typ}})["service"]
        have = {e["interface"]: e for e in c.ks("GET", "/endpoints" + q(service_id=svc["id"]))["endpoints"]}
        for itf in ("public", "internal", "admin"):
            if itf in have:
                if have[itf]["url"] != url:
                    c.ks("PATCH", f"/endpoints/{have[itf]['id']}", {"endpoint": {"url": url}})
            else:
                c.ks("POST", "/endpoints", {"endpoint": {"service_id": svc["id"], "interface": itf,
                                                         "url": url, "region_id": REGION}})
    log(f"catalog: {len(endpoints)} services, users {', '.join(SERVICE_USERS)}")


# --------------------------------------------------------------------------------------------- site
PROJECTS = {
    "migration": {
        "description": "Landing zone of the vSphere migrations (generous quotas)",
        "compute": {"cores": 64, "ram": 262144, "instances": 40, "key_pairs": 100, "server_groups": 10,
                    "server_group_members": 20, "metadata_items": 128},
        "volume": {"volumes": 100, "gigabytes": 10000, "snapshots": 50, "per_volume_gigabytes": 2000},
        "network": {"network": 20, "subnet": 40, "port": 400, "security_group": 20,
                    "security_group_rule": 200},
    },
    "analytics": {
        "description": "Analytics team: tight quotas, a shortfall is easy to provoke "
                       "(e.g. one m1.xlarge, two m1.large, a 200 GB volume, a 30 GB fast volume)",
        "compute": {"cores": 6, "ram": 12288, "instances": 3, "key_pairs": 10, "server_groups": 2,
                    "server_group_members": 5, "metadata_items": 128},
        "volume": {"volumes": 4, "gigabytes": 150, "snapshots": 2, "per_volume_gigabytes": 100,
                   "volumes_fast": 1, "gigabytes_fast": 20},
        "network": {"network": 2, "subnet": 2, "port": 8, "security_group": 3, "security_group_rule": 20},
    },
}

# name, vcpus, ram MiB, disk GiB, extra specs, is_public, access (projects), description
FLAVORS = [
    ("m1.small", 1, 2048, 20, {}, True, [], "general purpose, 1 vCPU / 2 GiB / 20 GB root disk"),
    ("m1.medium", 2, 4096, 40, {}, True, [], "general purpose, 2 vCPU / 4 GiB / 40 GB root disk"),
    ("m1.large", 4, 8192, 80, {}, True, [], "general purpose, 4 vCPU / 8 GiB / 80 GB root disk"),
    ("m1.xlarge", 8, 16384, 160, {}, True, [], "general purpose, 8 vCPU / 16 GiB / 160 GB root disk"),
    ("bfv.2-4", 2, 4096, 0, {}, True, [], "boot from volume, 2 vCPU / 4 GiB"),
    ("bfv.4-16", 4, 16384, 0, {}, True, [], "boot from volume, 4 vCPU / 16 GiB"),
    ("bfv.8-32", 8, 32768, 0, {}, True, [], "boot from volume, 8 vCPU / 32 GiB"),
    # no VGPU inventory exists on the fake compute node: a server of this flavor ends in NoValidHost
    ("gpu.8-64", 8, 65536, 0, {"resources:VGPU": "1", "trait:CUSTOM_GPU_NVIDIA": "required"}, True, [],
     "boot from volume, 8 vCPU / 64 GiB + 1 vGPU"),
    ("mig.bfv.16-64", 16, 65536, 0, {"hw:cpu_sockets": "2"}, False, ["migration"],
     "private to the migration project: boot from volume, 16 vCPU / 64 GiB"),
]

# name, project, type, physnet, vlan, external, shared, subnet name, cidr, gateway, dhcp, pool
NETWORKS = [
    ("ext-net", "admin", "flat", "physnet1", None, True, True,
     "ext-subnet", "203.0.113.0/24", "203.0.113.1", False, ("203.0.113.100", "203.0.113.250")),
    ("net-app", "migration", "vlan", "physnet1", 100, False, False,
     "net-app-subnet", "10.10.100.0/24", "10.10.100.1", True, None),
    ("net-web", "migration", "vlan", "physnet1", 110, False, False,
     "net-web-subnet", "10.10.110.0/24", "10.10.110.1", True, None),
    ("net-db", "migration", "vlan", "physnet1", 200, False, False,
     "net-db-subnet", "10.10.200.0/24", "10.10.200.1", True, None),
    ("net-analytics", "analytics", "vxlan", None, None, False, False,
     "net-analytics-subnet", "10.20.0.0/24", "10.20.0.1", True, None),
]

VOLUME_TYPES = [
    ("standard", "default type: NFS backend (sparse files)", {"volume_backend_name": "lab-nfs"}),
    ("fast", "\"fast\" tier (same NFS backend in the lab)", {"volume_backend_name": "lab-nfs"}),
]


def site(manifest_path):
    c = Cloud()
    admin_user = c.ks("GET", "/users" + q(name="admin", domain_id="default"))["users"][0]
    admin_role, member_role = role_id(c, "admin"), role_id(c, "member")
    projects = {"admin": c.project_id}
    for name, p in PROJECTS.items():
        proj = find_or_create(c, "project", "projects", name, {"domain_id": "default", "description": p["description"]})
        projects[name] = proj["id"]
        grant(c, proj["id"], admin_user["id"], admin_role)
    # a non-admin user, member of both projects (same password as admin)
    member = find_or_create(c, "user", "users", "lab-member", {"domain_id": "default", "password": ADMIN_PW,
                                                               "description": "non-admin member of migration and analytics"},
                            {"domain_id": "default"})
    for name in PROJECTS:
        grant(c, projects[name], member["id"], member_role)
    log("projects + users")

    # volume types first: cinder's default_volume_type (standard) must exist before any volume
    vtypes = []
    existing = {t["name"]: t for t in c.cinder("GET", "/types?is_public=None")["volume_types"]}
    for name, desc, specs in VOLUME_TYPES:
        t = existing.get(name) or c.cinder("POST", "/types", {"volume_type": {
            "name": name, "description": desc, "os-volume-type-access:is_public": True}})["volume_type"]
        c.cinder("POST", f"/types/{t['id']}/extra_specs", {"extra_specs": specs})
        vtypes.append({"name": name, "id": t["id"], "description": desc, "extraSpecs": specs, "isPublic": True})
    if "__DEFAULT__" in existing:  # cinder's built-in type; only standard/fast are offered here
        try:
            c.cinder("DELETE", f"/types/{existing['__DEFAULT__']['id']}")
        except ApiError as e:
            log(f"kept __DEFAULT__ volume type ({e})")
    log("volume types")

    quotas = {}
    for name, p in PROJECTS.items():
        pid = projects[name]
        nq = c.nova("PUT", f"/os-quota-sets/{pid}", {"quota_set": p["compute"]})["quota_set"]
        vq = c.cinder("PUT", f"/os-quota-sets/{pid}", {"quota_set": p["volume"]})["quota_set"]
        eq = c.neutron("PUT", f"/quotas/{pid}", {"quota": p["network"]})["quota"]
        quotas[name] = {"compute": {k: nq[k] for k in p["compute"]}, "volume": {k: vq[k] for k in p["volume"]},
                        "network": {k: eq[k] for k in p["network"]}}
    log("quotas")

    flavors = []
    existing = {f["name"]: f for f in c.nova("GET", "/flavors/detail?is_public=None")["flavors"]}
    for name, vcpus, ram, disk, specs, public, access, desc in FLAVORS:
        f = existing.get(name) or c.nova("POST", "/flavors", {"flavor": {
            "name": name, "vcpus": vcpus, "ram": ram, "disk": disk, "os-flavor-access:is_public": public,
            "description": desc}})["flavor"]
        if specs:
            c.nova("POST", f"/flavors/{f['id']}/os-extra_specs", {"extra_specs": specs})
        have = {a["tenant_id"] for a in c.nova("GET", f"/flavors/{f['id']}/os-flavor-access")["flavor_access"]} \
            if not public else set()
        for pname in access:
            if projects[pname] not in have:
                c.nova("POST", f"/flavors/{f['id']}/action", {"addTenantAccess": {"tenant": projects[pname]}})
        flavors.append({"name": name, "id": f["id"], "vcpus": vcpus, "ramMiB": ram, "diskGiB": disk,
                        "extraSpecs": specs, "isPublic": public, "access": access, "description": desc})
    log(f"{len(flavors)} flavors")

    networks = []
    for (name, pname, ntype, physnet, vlan, external, shared, sname, cidr, gw, dhcp, pool) in NETWORKS:
        found = c.neutron("GET", "/networks" + q(name=name))["networks"]
        if found:
            net = found[0]
        else:
            body = {"name": name, "project_id": projects[pname], "provider:network_type": ntype,
                    "router:external": external, "shared": shared, "mtu": 1450 if ntype == "vxlan" else 1500,
                    "description": f"{ntype}{' ' + str(vlan) if vlan else ''} on {physnet or 'overlay'}"}
            if physnet:
                body["provider:physical_network"] = physnet
            if vlan:
                body["provider:segmentation_id"] = vlan
            net = c.neutron("POST", "/networks", {"network": body})["network"]
        found = c.neutron("GET", "/subnets" + q(name=sname, network_id=net["id"]))["subnets"]
        if found:
            sub = found[0]
        else:
            body = {"name": sname, "network_id": net["id"], "project_id": projects[pname], "ip_version": 4,
                    "cidr": cidr, "gateway_ip": gw, "enable_dhcp": dhcp}
            if pool:
                body["allocation_pools"] = [{"start": pool[0], "end": pool[1]}]
            sub = c.neutron("POST", "/subnets", {"subnet": body})["subnet"]
        networks.append({"name": name, "id": net["id"], "project": pname, "networkType": ntype,
                         "physicalNetwork": physnet, "segmentationId": vlan, "external": external, "shared": shared,
                         "mtu": net.get("mtu"),
                         "subnets": [{"name": sname, "id": sub["id"], "cidr": cidr, "gatewayIp": gw,
                                      "enableDhcp": dhcp, "allocationPools": sub.get("allocation_pools")}]})
    log(f"{len(networks)} networks")

    host = os.environ.get("FFO_OS_HOST", "ffo-lab")
    manifest = {
        "generatedAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "authUrl": AUTH_URL, "region": REGION, "computeHost": host,
        "projects": {n: {"id": projects[n], "description": PROJECTS.get(n, {}).get("description", ""),
                         "quotas": quotas.get(n)} for n in projects},
        "users": [{"name": "admin", "roles": {n: "admin" for n in projects}},
                  {"name": "lab-member", "roles": {n: "member" for n in PROJECTS}, "password": "same as OS_PASSWORD"}],
        "flavors": flavors,
        "networks": networks,
        "volumeTypes": vtypes,
        "volumeBackend": {"name": "lab-nfs", "driver": "cinder.volume.drivers.nfs.NfsDriver",
                          "pool": f"{host}@lab-nfs#lab-nfs"},
        "images": [],
    }
    tmp = manifest_path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    os.replace(tmp, manifest_path)
    log(f"manifest written to {manifest_path}")


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "catalog":
        catalog()
    elif len(sys.argv) >= 3 and sys.argv[1] == "site":
        site(sys.argv[2])
    else:
        sys.exit("usage: seed.py catalog | seed.py site MANIFEST.json")
