#!/usr/bin/env python3
"""Records what a pinned action declares, from the action's own repository,
in .github/action-inputs.json (read by check_workflows.py's declared_inputs rule).

    scripts/ci/action_inputs.py OWNER/REPO VERSION CLONE   (CLONE: a git clone of OWNER/REPO)

Resolves the release tag VERSION to its commit in CLONE (the SHA to pin), reads
that commit's action.yml (or action.yaml) and writes its inputs, required
inputs, outputs and Node runtime under OWNER/REPO@SHA, replacing any older pin
of the same action. Prints the line to put in the workflow.
"""
import json
import subprocess
import sys
from pathlib import Path

import yaml

RECORD = Path(__file__).resolve().parents[2] / ".github" / "action-inputs.json"
USAGE = "usage: scripts/ci/action_inputs.py OWNER/REPO VERSION CLONE"


def git(clone, *args):
    return subprocess.run(["git", "-C", clone, *args], capture_output=True, text=True, check=True).stdout


def describe(clone: str, version: str) -> tuple[str, dict]:
    sha = git(clone, "rev-parse", "--verify", f"refs/tags/{version}^{{commit}}").strip()
    for name in ("action.yml", "action.yaml"):
        try:
            meta = yaml.safe_load(git(clone, "show", f"{sha}:{name}"))
            break
        except subprocess.CalledProcessError:
            continue
    else:
        raise ValueError(f"{version} ({sha}) has no action.yml")
    inputs = meta.get("inputs") or {}
    required = [k for k, v in inputs.items()
                if (v or {}).get("required") in (True, "true") and "default" not in (v or {})]
    return sha, {"version": version, "runs": (meta.get("runs") or {}).get("using", ""),
                 "inputs": sorted(inputs), "required": sorted(required),
                 "outputs": sorted(meta.get("outputs") or {})}


def main(argv: list[str], record: Path = RECORD) -> int:
    if len(argv) != 3 or argv[0].count("/") != 1:
        print(USAGE, file=sys.stderr)
        return 2
    action, version, clone = argv
    try:
        sha, spec = describe(clone, version)
    except (subprocess.CalledProcessError, ValueError) as error:
        print(f"action_inputs: {action} {version}: {getattr(error, 'stderr', '') or error}".strip(), file=sys.stderr)
        return 1
    data = json.loads(record.read_text()) if record.exists() else {}
    data = {ref: v for ref, v in data.items() if ref.split("@")[0] != action}
    data[f"{action}@{sha}"] = spec
    record.write_text(json.dumps(dict(sorted(data.items())), indent=2) + "\n")
    print(f"uses: {action}@{sha} # {version}   ({spec['runs']}; inputs: {', '.join(spec['inputs'])})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
