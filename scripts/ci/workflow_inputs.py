#!/usr/bin/env python3
"""The repository files a workflow's jobs use, derived from the workflow itself,
and whether its `paths:` filters cover them (a change to an uncovered file
never runs the workflow: a deploy script, a Terraform module or the app could
change on main and never be deployed).

    python3 scripts/ci/workflow_inputs.py [WORKFLOW]   (lists what each job uses)

What a workflow uses, followed from its `run:` lines:
  - the repository scripts a run line names, and from each shell script, the
    files it names through "$root/...", "$(dirname "$0")/..." or
    "$(dirname "${BASH_SOURCE[0]}")/..." (a $variable in such a path is a
    wildcard: "$root/infra/envs/$env.tfvars" uses every infra/envs/*.tfvars);
    Python files those name, with the repository modules they import;
  - the Terraform roots the scripts run scripts/tf.sh in (a root named by a
    variable: every root), with each root's local modules (`source = "../..."`);
  - what actions are given: a `with:` value naming a repository file or folder
    (docker/build-push-action's `context: app` uses all of app/);
  - the workflow file itself.
Not counted: a root the workflow only reads (`output`), which another workflow
applies: that workflow's own filter deploys a change to it. Files under
ENV_LOCAL_ONLY: the scripts reach them only for env `local` (the local stack),
which no workflow deploys.
Hand-written: no tool follows shell scripts' references to other files.
"""
from __future__ import annotations

import functools
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))
import check_workflows as cw  # noqa: E402

# Reached only when env is `local` (deploy.sh: `[ "$env" != local ] || source
# scripts/stack/deploy-env.sh`, `if [ "$env" = local ] ...; python3 local/ecs_ctl.py`).
ENV_LOCAL_ONLY = ("scripts/stack/", "local/")
# Read by a script only to decide whether `terraform init` must run again (tf.sh
# hashes every local module): which modules a job applies comes from its roots'
# module sources, so a module no applied root uses does not trigger the workflow.
INIT_STAMP_ONLY = {("scripts/tf.sh", "infra/modules")}
# Terraform commands that change what a root manages; `output` and `show` only read.
WRITES = {"apply", "destroy", "import"}

PREFIX = re.compile(r'(?:"?\$\{?root\}?"?|\$\(dirname "\$(?:0|\{BASH_SOURCE\[0\]\})"\))'
                    r'(/[^\s;|&)<>\'`]*)')
# scripts/tf.sh run through "$root/...", or a wrapper function `tf` in command
# position; never a message that names the command ("scripts/tf.sh platform dev apply").
TF_CALL = re.compile(r'(?:\$\{?root\}?/scripts/tf\.sh"?|(?:^|[;&|({!]|\bif|\bthen|\bdo)[ \t]*tf)'
                     r'[ \t]+("?\$?\{?\w+\}?"?)[ \t]+"?\$?\{?\w+\}?"?[ \t]+(\w+)', re.M)
MODULE_SOURCE = re.compile(r'^\s*source\s*=\s*"(\.{1,2}/[^"]+)"', re.M)
PY_IMPORT = re.compile(r"^\s*(?:from\s+([\w.]+)\s+import|import\s+([\w.]+))", re.M)
VARIABLE = re.compile(r"\$\{[^}]*\}|\$\w+|\$[0-9@*#?]")


@functools.lru_cache(maxsize=None)
def tracked(root: Path) -> list[str]:
    out = subprocess.run(["git", "-C", str(root), "ls-files"], capture_output=True, text=True, check=True).stdout
    return [f for f in out.splitlines() if (root / f).is_file()]


@functools.lru_cache(maxsize=None)
def glob_regex(pattern: str) -> re.Pattern:
    """A GitHub filter pattern (or a shell path with wildcards): `**` any
    characters, `*` any but `/`, `?` one but `/`."""
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out) + r"\Z")


def covered(path: str, patterns: list[str]) -> bool:
    """GitHub's `paths:` semantics: the last matching pattern decides; `!` excludes."""
    result = False
    for p in patterns:
        negated = p.startswith("!")
        if glob_regex(p.removeprefix("!")).match(path):
            result = not negated
    return result


@functools.lru_cache(maxsize=None)
def _read(path: Path) -> str:
    return path.read_text()


def _code_lines(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


class Inputs:
    """files: path -> why it is used; roots: Terraform root -> the commands run in it."""

    def __init__(self, root: Path = ROOT):
        self.root = root
        self.files_in_repo = tracked(root)  # a list: ls-files order
        self.tf_roots = sorted({f.split("/")[1] for f in self.files_in_repo
                                if re.match(r"infra/[^/]+/[^/]+\.tf$", f) and not f.startswith("infra/modules/")})
        self.files: dict[str, str] = {}
        self.roots: dict[str, set[str]] = {}
        self.problems: list[str] = []

    def _add(self, path: str, why: str) -> bool:
        if path in self.files:
            return False
        self.files[path] = why
        return True

    def _match(self, pattern: str) -> list[str]:
        """Tracked files a path (with wildcards) names; a folder named literally: all files under it."""
        pattern = pattern.strip("/")
        rx = glob_regex(pattern)
        hits = [f for f in self.files_in_repo if rx.match(f)]
        if not hits and not re.search(r"[*?]", pattern):
            hits = [f for f in self.files_in_repo if f.startswith(pattern + "/")]
        return hits

    def _follow(self, path: str, why: str):
        if not self._add(path, why):
            return
        if path.endswith(".sh"):
            self._shell(path)
        elif path.endswith(".py"):
            self._python(path)

    def _shell(self, path: str):
        text = _code_lines(_read(self.root / path))
        here = str(Path(path).parent)
        for m in PREFIX.finditer(text):
            rel = m.group(1).replace('"', "")
            rel = VARIABLE.sub("*", rel)
            base = "" if "root" in m.group(0).split("/")[0] else here
            target = _normalize(f"{base}/{rel}")
            if re.fullmatch(r"\**", target.rsplit("/", 1)[-1]):
                continue  # a name chosen at run time ("$root/infra/$stack"): the literal paths and tf.sh calls cover it
            if (path, target) in INIT_STAMP_ONLY:
                continue
            for f in self._match(target):
                if not f.startswith(ENV_LOCAL_ONLY):
                    self._follow(f, f"named by {path}")
        for m in TF_CALL.finditer(text):
            name, cmd = m.group(1).strip('"'), m.group(2)
            roots = self.tf_roots if name.startswith("$") else [name] if name in self.tf_roots else []
            for r in roots:
                self.roots.setdefault(r, set()).add(cmd)

    def _python(self, path: str):
        text = _read(self.root / path)
        for m in PY_IMPORT.finditer(text):
            mod = (m.group(1) or m.group(2)).replace(".", "/")
            for cand in (f"{Path(path).parent}/{mod}.py", f"{mod}.py", f"{mod}/__init__.py"):
                if cand in self.files_in_repo and not cand.startswith(ENV_LOCAL_ONLY):
                    self._follow(cand, f"imported by {path}")

    def _terraform(self, folder: str, why: str):
        files = [f for f in self.files_in_repo if f.startswith(folder + "/")]
        new = [f for f in files if self._add(f, why)]
        if not new:
            return
        for f in files:
            if f.endswith(".tf") and f.count("/") == folder.count("/") + 1:
                for src in MODULE_SOURCE.findall(_read(self.root / f)):
                    self._terraform(_normalize(f"{folder}/{src}"), f"module of {folder}")

    def of_workflow(self, wf: cw.Workflow) -> "Inputs":
        self._add(str(Path(wf.path).resolve().relative_to(self.root)) if Path(wf.path).is_absolute()
                  else wf.path, "the workflow itself")
        for job_name, job in wf.jobs():
            for step in cw.steps(job):
                uses = str(step.get("uses", ""))
                if uses.startswith("./"):
                    for f in self._match(uses[2:]):
                        self._follow(f, f"local action of job {job_name}")
                for value in (step.get("with") or {}).values():
                    v = str(value).strip()
                    if v and "${{" not in v and not re.search(r"[\s,]", v):
                        for f in self._match(v.removeprefix("./")):  # a build context: read, not run
                            self._add(f, f"given to {uses.split('@')[0]} in job {job_name}")
                script = str(step.get("run", ""))
                if cw.MAKE_CALL.search(script):
                    self.problems.append(f"job {job_name}: runs make; a make target's inputs are not derived "
                                         "here: call the script it runs instead")
                for p in cw.REPO_PATH.findall(script):
                    self._follow(p.removeprefix("./"), f"run by job {job_name}")
        return self

    def finish(self, skip_roots: set[str] = frozenset()) -> "Inputs":
        for r, cmds in sorted(self.roots.items()):
            if r not in skip_roots:
                self._terraform(f"infra/{r}", f"Terraform root {r} ({', '.join(sorted(cmds))})")
        return self


def _normalize(path: str) -> str:
    parts: list[str] = []
    for p in path.split("/"):
        if p == "..":
            parts.pop()
        elif p not in ("", "."):
            parts.append(p)
    return "/".join(parts)


def push_paths(wf: cw.Workflow) -> dict[str, list[str]]:
    """event -> its `paths:` filter, for push and pull_request events that have one."""
    on = wf.data.get("on", wf.data.get(True)) or {}
    if not isinstance(on, dict):
        return {}
    return {ev: list(cfg["paths"]) for ev, cfg in on.items()
            if ev in ("push", "pull_request") and isinstance(cfg, dict) and cfg.get("paths")}


def derive(workflows: list[cw.Workflow], root: Path = ROOT) -> dict[str, Inputs]:
    """workflow path -> the files its jobs use; a root it only reads and another workflow applies is left out."""
    derived = {wf.path: Inputs(root).of_workflow(wf) for wf in workflows}
    applied_by = {path: {r for r, cmds in i.roots.items() if cmds & WRITES} for path, i in derived.items()}
    for path, inputs in derived.items():
        elsewhere = {r for other, roots in applied_by.items() if other != path for r in roots}
        inputs.finish(skip_roots={r for r in inputs.roots if r not in applied_by[path] and r in elsewhere})
    return derived


def paths_cover_inputs(workflows: list[cw.Workflow], root: Path = ROOT) -> list[str]:
    """Every file a path-filtered workflow's jobs use is covered by its filters."""
    derived = derive(workflows, root)
    problems = []
    for wf in workflows:
        filters = push_paths(wf)
        if not filters:
            continue
        inputs = derived[wf.path]
        problems += [f"{wf.path}: {p}" for p in inputs.problems]
        for event, patterns in filters.items():
            missing = [(f, why) for f, why in sorted(inputs.files.items()) if not covered(f, patterns)]
            shown = "".join(f"\n    {f} ({why})" for f, why in missing[:40])
            more = f"\n    and {len(missing) - 40} more" if len(missing) > 40 else ""
            if missing:
                problems.append(f"{wf.path}: on.{event}.paths misses {len(missing)} file(s) its jobs use (a change "
                                f"to them would never run it):{shown}{more}")
    return problems


def main(argv: list[str]) -> int:
    wanted = {str(Path(a).resolve()) for a in argv}
    for path, inputs in derive([cw.Workflow.load(f) for f in cw.workflow_files()]).items():
        if wanted and str(Path(path).resolve()) not in wanted:
            continue
        print(f"{Path(path).relative_to(ROOT)}:")
        for f, why in sorted(inputs.files.items()):
            print(f"  {f}  ({why})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
