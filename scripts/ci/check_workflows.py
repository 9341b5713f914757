#!/usr/bin/env python3
"""The pipeline's own rules for GitHub workflows, beyond what actionlint checks.

    python3 scripts/ci/check_workflows.py [FILE...]   (default: .github/workflows/*.yml)

Each rule is a function (Workflow) -> list of messages; an empty list is a pass.
The rules (docs/pipeline.md, "Rules every workflow keeps"):
  pinned_actions        every `uses:` is owner/repo@<40-hex SHA> with a `# vX` comment
                        (local ./ actions and docker://...@sha256: images excepted)
  read_only_top_level   top-level `permissions:` is exactly `contents: read`
  job_timeouts          every job sets timeout-minutes
  deploy_concurrency    a job with an `environment:` has a concurrency group and
                        never cancels a run in progress
  oidc_only_where_used  `id-token: write` exactly on the jobs that assume an AWS role
  no_secrets_in_run     no `${{ secrets.* }}` inside run scripts (pass them via env)
  no_untrusted_in_run   no attacker-controlled event data (`github.event.*`,
                        `github.head_ref`) expanded inside run scripts
  checkout_no_creds     actions/checkout runs with persist-credentials: false
  commands_exist        `make` targets, `make test SUITES=` suites and repository
                        scripts named in run scripts exist
  image_from_service_deploy
                        a job that deploys an image's binary elsewhere (the Lambda
                        function: scripts/ci/function-from-image.sh) takes the image
                        from the `image` output of a job it needs that deployed the
                        service of the same environment (scripts/deploy.sh), never a
                        tag resolved again: both run exactly the same digest
  declared_inputs       every pinned action is recorded in .github/action-inputs.json
                        (its action.yml at that commit: inputs, outputs, runtime); each
                        `with:` key is an input it declares, its required inputs are given,
                        `steps.<id>.outputs.<name>` names an output it declares, its
                        `# vX` comment is the recorded version, and it does not run on a
                        Node.js that GitHub's runners no longer have
Across workflows (a function (list of Workflow) -> list of messages):
  own_concurrency_groups  no two workflows can share a concurrency group: a job
                        joining a group cancels the one pending there, so a
                        deploy could silently cancel a pending infrastructure
                        apply (or the reverse)
  paths_cover_inputs    a workflow's push/pull_request `paths:` cover every file its
                        jobs use (scripts/ci/workflow_inputs.py derives them)
"""
from __future__ import annotations

import functools
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
SHA_PIN = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(/[^@\s]+)?@[0-9a-f]{40}$")
VERSION_COMMENT = re.compile(r"#\s*v\d+(\.\d+)*\b")
SECRET_EXPR = re.compile(r"\$\{\{[^}]*\bsecrets\.")
UNTRUSTED_EXPR = re.compile(r"\$\{\{[^}]*\b(github\.event\.|github\.head_ref)")
AWS_ROLE_ACTION = "aws-actions/configure-aws-credentials@"
ACTION_INPUTS = ROOT / ".github" / "action-inputs.json"
# Node versions GitHub's hosted runners no longer carry (node20: September 2026).
RETIRED_RUNTIMES = {"node12", "node16", "node20"}
STEP_OUTPUT = re.compile(r"\bsteps\.([\w-]+)\.outputs\.([\w-]+)")


@dataclass
class Workflow:
    path: str
    text: str
    data: dict

    @classmethod
    def load(cls, path: str | os.PathLike, text: str | None = None) -> "Workflow":
        text = Path(path).read_text() if text is None else text
        data = yaml.safe_load(text)
        if not isinstance(data, dict):
            raise ValueError(f"{path}: not a YAML mapping")
        return cls(str(path), text, data)

    def jobs(self):
        return (self.data.get("jobs") or {}).items()


def steps(job: dict):
    return job.get("steps") or []


def uses_lines(wf: Workflow):
    """(line number, uses value, whole line) for every `uses:` line in the file."""
    for no, line in enumerate(wf.text.splitlines(), 1):
        m = re.match(r"^\s*(?:-\s*)?uses:\s*['\"]?([^'\"\s#]+)", line)
        if m:
            yield no, m.group(1), line


def pinned_actions(wf: Workflow) -> list[str]:
    problems = []
    for no, ref, line in uses_lines(wf):
        if ref.startswith("./"):
            continue
        if ref.startswith("docker://"):
            if "@sha256:" not in ref:
                problems.append(f"line {no}: {ref} is not pinned to an image digest (@sha256:...)")
            continue
        if not SHA_PIN.match(ref):
            problems.append(f"line {no}: {ref} is not pinned to a full 40-hex commit SHA")
        elif not VERSION_COMMENT.search(line):
            problems.append(f"line {no}: {ref} has no '# vX.Y.Z' comment naming the version")
    return problems


def read_only_top_level(wf: Workflow) -> list[str]:
    perms = wf.data.get("permissions")
    if perms != {"contents": "read"}:
        return [f"top-level permissions must be exactly 'contents: read' (got {perms!r}); widen per job"]
    return []


def job_timeouts(wf: Workflow) -> list[str]:
    problems = []
    for name, job in wf.jobs():
        t = job.get("timeout-minutes")
        ok = (isinstance(t, (int, float)) and not isinstance(t, bool) and t > 0) or (
            isinstance(t, str) and t.strip().startswith("${{"))
        if not ok:
            problems.append(f"job {name}: no positive timeout-minutes (got {t!r})")
    return problems


def deploy_concurrency(wf: Workflow) -> list[str]:
    problems = []
    for name, job in wf.jobs():
        if "environment" not in job:
            continue
        conc = job.get("concurrency")
        group = conc.get("group") if isinstance(conc, dict) else conc
        if not group:
            problems.append(f"job {name}: deploys to an environment but has no concurrency group")
        elif isinstance(conc, dict) and conc.get("cancel-in-progress") not in (None, False):
            problems.append(f"job {name}: a deploy must never cancel one in progress (cancel-in-progress: "
                            f"{conc.get('cancel-in-progress')!r})")
    return problems


def oidc_only_where_used(wf: Workflow) -> list[str]:
    problems = []
    for name, job in wf.jobs():
        perms = job.get("permissions") or {}
        wants_token = isinstance(perms, dict) and perms.get("id-token") == "write"
        assumes_role = any(str(s.get("uses", "")).startswith(AWS_ROLE_ACTION) for s in steps(job))
        if wants_token and not assumes_role:
            problems.append(f"job {name}: has id-token: write but assumes no AWS role")
        if assumes_role and not wants_token:
            problems.append(f"job {name}: assumes an AWS role without id-token: write (OIDC needs it)")
    return problems


def _run_scripts(wf: Workflow):
    for name, job in wf.jobs():
        for i, step in enumerate(steps(job)):
            if "run" in step:
                yield name, step.get("name", f"step {i + 1}"), str(step["run"])


def no_secrets_in_run(wf: Workflow) -> list[str]:
    return [f"job {job}, {step!r}: expands ${{{{ secrets.* }}}} inside run (pass it through env:)"
            for job, step, script in _run_scripts(wf) if SECRET_EXPR.search(script)]


def no_untrusted_in_run(wf: Workflow) -> list[str]:
    return [f"job {job}, {step!r}: expands event data inside run (script injection; pass it through env:)"
            for job, step, script in _run_scripts(wf) if UNTRUSTED_EXPR.search(script)]


def checkout_no_creds(wf: Workflow) -> list[str]:
    problems = []
    for name, job in wf.jobs():
        for step in steps(job):
            if str(step.get("uses", "")).startswith("actions/checkout@"):
                if (step.get("with") or {}).get("persist-credentials") is not False:
                    problems.append(f"job {name}: actions/checkout without persist-credentials: false")
    return problems


@functools.lru_cache(maxsize=None)
def make_database(root: str) -> tuple[frozenset, frozenset]:
    """(targets, test suites) that the Makefile defines, from `make -p` (runs nothing)."""
    out = subprocess.run(["make", "-C", root, "-pRrq", "help"], capture_output=True, text=True).stdout
    targets, suites = set(), set()
    for line in out.splitlines():
        m = re.match(r"^TEST_SUITES :?= ?(.*)$", line)
        if m:
            suites = set(m.group(1).split())
        m = re.match(r"^([A-Za-z0-9_.-]+):(?!=)", line)
        if m:
            targets.add(m.group(1))
    return frozenset(targets), frozenset(suites)


# `make ...` where a command starts: line start, after ; && || | ( then do.
MAKE_CALL = re.compile(r"(?:^|[;&|(]|\bthen\b|\bdo\b)[ \t]*make[ \t]+([^\n;&|)<>#]*)", re.M)
REPO_PATH = re.compile(r"(?<![\w./-])((?:\./)?(?:scripts|deps|tests|tools)/[\w./-]+\.(?:sh|py|cjs|mjs|js))")


def commands_exist(wf: Workflow, root: Path = ROOT) -> list[str]:
    targets, suites = make_database(str(root))
    problems = []
    for job, step, script in _run_scripts(wf):
        for m in MAKE_CALL.finditer(script):
            args = m.group(1)
            for s in re.findall(r"SUITES=[\"']([^\"']*)[\"']|SUITES=(\S+)", args):
                for suite in (s[0] or s[1]).split():
                    if suite not in suites:
                        problems.append(f"job {job}, {step!r}: test suite '{suite}' is not registered "
                                        f"(TEST_SUITES: {' '.join(sorted(suites))})")
            args = re.sub(r"\S+=(\"[^\"]*\"|'[^']*'|\S*)", " ", args)
            for word in args.split():
                if word.startswith("-") or word.startswith("$"):
                    continue
                if word not in targets:
                    problems.append(f"job {job}, {step!r}: make target '{word}' does not exist")
        for path in REPO_PATH.findall(script):
            p = root / path
            if not p.is_file():
                problems.append(f"job {job}, {step!r}: {path} does not exist")
            elif re.search(r"(?:^|[\s;&|(])(?:\./)?" + re.escape(path.removeprefix("./")) + r"(?=\s|$)", script) \
                    and not re.search(r"(bash|python3|node|sh)\s+(?:\./)?" + re.escape(path.removeprefix("./")), script) \
                    and not os.access(p, os.X_OK):
                problems.append(f"job {job}, {step!r}: {path} is run directly but is not executable")
    return problems


# Scripts that deploy the binary of an image the service deploy already ran.
IMAGE_CONSUMERS = ("scripts/ci/function-from-image.sh",)
SERVICE_DEPLOY = "scripts/deploy.sh"
NEEDS_OUTPUT = re.compile(r"^\$\{\{\s*needs\.([\w-]+)\.outputs\.([\w-]+)\s*\}\}$")


def _env_name(job: dict):
    env = job.get("environment")
    return env.get("name") if isinstance(env, dict) else env


def _image_arg(step: dict, job: dict, script: str) -> str | None:
    """The --image value a consumer is given: a literal, or the env var it names (step env, then job env)."""
    m = re.search(r"--image[= ]\s*\"?(\$\{?(\w+)\}?|[^\s\"]+)", script)
    if not m:
        return None
    if not m.group(2):
        return m.group(1)
    return str((step.get("env") or {}).get(m.group(2), (job.get("env") or {}).get(m.group(2))))


def image_from_service_deploy(wf: Workflow) -> list[str]:
    jobs = dict(wf.jobs())
    problems = []
    for name, job in jobs.items():
        scripts = [(s, str(s["run"])) for s in steps(job) if "run" in s]
        if not any(c in script for _, script in scripts for c in IMAGE_CONSUMERS):
            continue
        if any("scripts/ci/image-target.sh" in script for _, script in scripts):
            problems.append(f"job {name}: resolves an image tag again (scripts/ci/image-target.sh); take the "
                            "image the service deploy ran from its job output")
        needs = job.get("needs") or []
        needs = [needs] if isinstance(needs, str) else needs
        for step, script in scripts:
            if not any(c in script for c in IMAGE_CONSUMERS):
                continue
            value = _image_arg(step, job, script)
            m = NEEDS_OUTPUT.match(value or "")
            if not m:
                problems.append(f"job {name}: --image is {value!r}, not ${{{{ needs.<service deploy job>.outputs.image }}}}"
                                " (the image the service deploy of this environment ran)")
                continue
            src, output = m.groups()
            source = jobs.get(src) or {}
            deploy_ids = [s.get("id") for s in steps(source) if SERVICE_DEPLOY in str(s.get("run", ""))]
            if src not in needs:
                problems.append(f"job {name}: takes its image from job {src}, which it does not need")
            elif not deploy_ids:
                problems.append(f"job {name}: takes its image from job {src}, which deploys no service "
                                f"({SERVICE_DEPLOY})")
            elif str((source.get("outputs") or {}).get(output, "")).replace(" ", "") not in \
                    {f"${{{{steps.{i}.outputs.image}}}}" for i in deploy_ids if i}:
                problems.append(f"job {name}: job {src}'s output {output!r} is not the `image` output of its "
                                f"{SERVICE_DEPLOY} step")
            elif _env_name(source) != _env_name(job):
                problems.append(f"job {name} (environment {_env_name(job)}) takes its image from job {src}, "
                                f"which deploys environment {_env_name(source)}")
    return problems


@functools.lru_cache(maxsize=None)
def recorded_actions(path: str) -> dict:
    """owner/repo@sha -> {version, runs, inputs, required, outputs} (scripts/ci/action_inputs.py writes it)."""
    return json.loads(Path(path).read_text())


def declared_inputs(wf: Workflow, record: Path = ACTION_INPUTS) -> list[str]:
    actions = recorded_actions(str(record))
    problems = []
    versions = {ref: VERSION_COMMENT.search(line) for _, ref, line in uses_lines(wf)}
    for name, job in wf.jobs():
        ids = {}
        for i, step in enumerate(steps(job)):
            ref = str(step.get("uses", ""))
            if not SHA_PIN.match(ref):
                continue  # local and docker:// actions, or unpinned (pinned_actions reports it)
            where = f"job {name}, step {step.get('name') or step.get('id') or i + 1} ({ref.split('@')[0]})"
            spec = actions.get(ref)
            if spec is None:
                problems.append(f"{where}: {ref} is not in {record.name}: record what its action.yml declares "
                                f"(scripts/ci/action_inputs.py OWNER/REPO vX.Y.Z CLONE)")
                continue
            if step.get("id"):
                ids[step["id"]] = (ref, spec)
            comment = versions.get(ref)
            if comment and comment.group(0).lstrip("# ").strip() != spec["version"]:
                problems.append(f"{where}: the comment says {comment.group(0).lstrip('# ')} but {ref} is "
                                f"{spec['version']}")
            if spec["runs"] in RETIRED_RUNTIMES:
                problems.append(f"{where}: {spec['version']} runs on {spec['runs']}, which GitHub's runners no "
                                "longer have; pin a release that runs on node24")
            given = set((step.get("with") or {}).keys())
            for key in sorted(given - set(spec["inputs"])):
                problems.append(f"{where}: input '{key}' is not declared by {spec['version']}'s action.yml "
                                f"(it declares: {', '.join(spec['inputs']) or 'nothing'})")
            for key in sorted(set(spec["required"]) - given):
                problems.append(f"{where}: required input '{key}' is missing")
        for step_id, output in STEP_OUTPUT.findall(yaml.safe_dump(job)):
            if step_id in ids and output not in ids[step_id][1]["outputs"]:
                ref, spec = ids[step_id]
                problems.append(f"job {name}: steps.{step_id}.outputs.{output}: {ref.split('@')[0]} "
                                f"{spec['version']} has no output '{output}' (it has: {', '.join(spec['outputs'])})")
    return problems


RULES = [pinned_actions, read_only_top_level, job_timeouts, deploy_concurrency, oidc_only_where_used,
         no_secrets_in_run, no_untrusted_in_run, checkout_no_creds, commands_exist, declared_inputs,
         image_from_service_deploy]


def _group_prefixes(wf: Workflow):
    """(where, literal prefix) of every concurrency group: the text before any ${{ }}."""
    found = []
    blocks = [("workflow", wf.data.get("concurrency"))] + [(f"job {n}", j.get("concurrency")) for n, j in wf.jobs()]
    for where, conc in blocks:
        group = conc.get("group") if isinstance(conc, dict) else conc
        if group:
            found.append((where, str(group).split("${{", 1)[0]))
    return found


def own_concurrency_groups(workflows: list[Workflow]) -> list[str]:
    problems = []
    groups = [(wf, where, prefix) for wf in workflows for where, prefix in _group_prefixes(wf)]
    for i, (wf_a, where_a, a) in enumerate(groups):
        for wf_b, where_b, b in groups[i + 1:]:
            if wf_a.path != wf_b.path and (a.startswith(b) or b.startswith(a)):
                problems.append(f"{wf_a.path} {where_a} and {wf_b.path} {where_b} can share a concurrency group "
                                f"({a!r}, {b!r}): a job joining it cancels the other's pending job")
    return problems


def check(wf: Workflow) -> list[str]:
    return [f"{wf.path}: [{rule.__name__}] {msg}" for rule in RULES for msg in rule(wf)]


def workflow_files(root: Path = ROOT) -> list[Path]:
    return sorted(p for p in (root / ".github" / "workflows").glob("*.y*ml"))


def main(argv: list[str]) -> int:
    files = [Path(a) for a in argv] or workflow_files()
    workflows = [Workflow.load(f) for f in files]
    from workflow_inputs import paths_cover_inputs  # it imports this module
    problems = [p for w in workflows for p in check(w)] + own_concurrency_groups(workflows)
    if not argv:  # which roots another workflow applies needs them all
        problems += paths_cover_inputs(workflows)
    print("\n".join(problems) if problems else f"check_workflows: {len(files)} file(s) keep every rule")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
