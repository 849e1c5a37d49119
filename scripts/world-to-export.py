#!/usr/bin/env python3
"""Writes a world folder (as `iamsim gen` makes them) out as an AWS CLI export, for measuring
`iamsim import` at scale: accounts/<id>/authorization-details.json and buckets/<b>/policy.json.
Usage: scripts/world-to-export.py WORLD_DIR EXPORT_DIR   (organizations are not written)"""
import json, os, sys

world_dir, out = sys.argv[1], sys.argv[2]
world = json.load(open(os.path.join(world_dir, "world.json")))

def doc(ref):
    if isinstance(ref, dict):
        return ref
    return json.load(open(os.path.join(world_dir, ref)))

def attach(refs, inline, managed):
    """Files become customer managed policies (named after the file); ARNs stay ARNs."""
    inl, att = [], []
    for r in refs:
        if isinstance(r, str) and r.startswith("arn:"):
            att.append({"PolicyName": r.rsplit("/", 1)[-1], "PolicyArn": r})
        else:
            name = os.path.splitext(os.path.basename(r))[0]
            managed[name] = doc(r)
            att.append({"PolicyName": name, "PolicyArn": None})
    return inl, att

for acct, a in world["accounts"].items():
    managed, users, groups, roles = {}, [], [], []
    def arn_of(name):
        return f"arn:aws:iam::{acct}:policy/{name}"
    def fix(att):
        for x in att:
            if x["PolicyArn"] is None:
                x["PolicyArn"] = arn_of(x["PolicyName"])
        return att
    for name, u in a.get("users", {}).items():
        _, att = attach(u.get("policies", []), [], managed)
        users.append({"Path": "/", "UserName": name, "UserId": "AIDA" + acct + name.upper()[:5],
                      "Arn": f"arn:aws:iam::{acct}:user/{name}", "UserPolicyList": [],
                      "GroupList": u.get("groups", []), "AttachedManagedPolicies": fix(att)})
    for name, g in a.get("groups", {}).items():
        _, att = attach(g.get("policies", []), [], managed)
        groups.append({"Path": "/", "GroupName": name, "Arn": f"arn:aws:iam::{acct}:group/{name}",
                       "GroupPolicyList": [], "AttachedManagedPolicies": fix(att)})
    for name, r in a.get("roles", {}).items():
        _, att = attach(r.get("policies", []), [], managed)
        path = r.get("path", "/")
        roles.append({"Path": path, "RoleName": name, "Arn": f"arn:aws:iam::{acct}:role{path}{name}",
                      "AssumeRolePolicyDocument": doc(r["trust"]), "RolePolicyList": [],
                      "AttachedManagedPolicies": fix(att), "InstanceProfileList": [], "Tags": []})
    policies = [{"PolicyName": n, "Arn": arn_of(n), "Path": "/", "DefaultVersionId": "v1",
                 "PolicyVersionList": [{"Document": d, "VersionId": "v1", "IsDefaultVersion": True}]}
                for n, d in managed.items()]
    d = os.path.join(out, "accounts", acct)
    os.makedirs(d, exist_ok=True)
    json.dump({"UserDetailList": users, "GroupDetailList": groups, "RoleDetailList": roles,
               "Policies": policies}, open(os.path.join(d, "authorization-details.json"), "w"), indent=4)
    for b, spec in a.get("buckets", {}).items():
        bd = os.path.join(d, "buckets", b)
        os.makedirs(bd, exist_ok=True)
        if "policy" in spec:
            json.dump({"Policy": json.dumps(doc(spec["policy"]))}, open(os.path.join(bd, "policy.json"), "w"))
