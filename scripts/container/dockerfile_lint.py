#!/usr/bin/env python3
"""A small Dockerfile checker for the rules this project cares about.

No maintained Dockerfile linter installs here (hadolint is a download;
npm's dockerfilelint and dockerlint are unmaintained), so this checks the
usual rules itself:

  pinned-base             every FROM image (or the ARG default it names) is
                          pinned by @sha256 digest; `scratch` and earlier
                          stages (also named by an ARG default) are exempt
  no-latest               no `:latest` tag anywhere in a FROM or its ARG
  no-install-recommends   every `apt-get install` has --no-install-recommends
  apt-update-alone        `apt-get update` shares its RUN with the install
                          (alone it is cached forever and installs go stale)
  exec-form               ENTRYPOINT, CMD and HEALTHCHECK CMD are JSON arrays
  user-nonroot            the final stage sets USER to a numeric uid (and gid)
                          other than 0
  no-secrets              no ARG/ENV whose name looks like a secret (PASSWORD,
                          SECRET, TOKEN, KEY, CREDENTIAL): they persist in the
                          image history
  healthcheck             the final stage has a HEALTHCHECK (not NONE)

Usage: dockerfile_lint.py Dockerfile...   Prints `file:line: rule: message`
per finding; exits 1 if any, 2 on an unreadable file.
"""
import json
import re
import sys
from dataclasses import dataclass, field

SECRET_NAME = re.compile(r"PASSW(OR)?D|SECRET|TOKEN|(^|_)(API_?)?KEY($|_)|CREDENTIAL", re.I)
VAR_REF = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")


@dataclass
class Instruction:
    line: int  # where it starts (1-based)
    keyword: str  # upper case
    args: str  # continuation lines joined


@dataclass
class Finding:
    line: int
    rule: str
    message: str


@dataclass
class Stage:
    line: int
    image: str
    name: str | None
    instructions: list = field(default_factory=list)


def parse(text):
    """Splits a Dockerfile into instructions, joining `\\` continuations
    and skipping comments (also comment lines inside a continuation)."""
    result, buf, start = [], [], 0
    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if not buf and (not stripped or stripped.startswith("#")):
            continue
        if buf and stripped.startswith("#"):
            continue
        if not buf:
            start = number
        if stripped.endswith("\\"):
            buf.append(stripped[:-1])
            continue
        buf.append(stripped)
        joined = " ".join(part.strip() for part in buf if part.strip())
        buf = []
        keyword, _, args = joined.partition(" ")
        result.append(Instruction(start, keyword.upper(), args.strip()))
    if buf:
        joined = " ".join(buf)
        keyword, _, args = joined.partition(" ")
        result.append(Instruction(start, keyword.upper(), args.strip()))
    return result


def split_stages(instructions):
    """Returns (global ARG defaults, stages)."""
    global_args, stages = {}, []
    for ins in instructions:
        if ins.keyword == "FROM":
            words = [w for w in ins.args.split() if not w.startswith("--")]
            image = words[0] if words else ""
            name = words[2] if len(words) >= 3 and words[1].lower() == "as" else None
            stages.append(Stage(ins.line, image, name))
        elif stages:
            stages[-1].instructions.append(ins)
        elif ins.keyword == "ARG":
            for name, default in arg_pairs(ins.args):
                global_args[name] = default
    return global_args, stages


def arg_pairs(args):
    for word in args.split():
        name, _, default = word.partition("=")
        yield name, default.strip("\"'")


def env_names(args):
    # ENV a=1 b=2 or the legacy ENV a 1
    if "=" not in args.split()[0]:
        return [args.split()[0]]
    return [w.split("=", 1)[0] for w in re.findall(r"(\S+=(?:\"[^\"]*\"|'[^']*'|\S*))", args)]


def is_exec_form(args):
    try:
        value = json.loads(args)
    except ValueError:
        return False
    return isinstance(value, list) and all(isinstance(v, str) for v in value) and bool(value)


def check_from(stage, global_args, earlier, out):
    image = stage.image
    if image.lower() == "scratch" or image in earlier:
        return
    refs = VAR_REF.findall(image)
    resolved = image
    for ref in refs:
        default = global_args.get(ref)
        if not default:
            out.append(Finding(stage.line, "pinned-base",
                               f"FROM {image}: ARG {ref} has no default to check; give it a default pinned by digest"))
            return
        resolved = re.sub(r"\$\{?" + ref + r"\}?", default, resolved)
    if resolved in earlier:
        return  # an ARG whose default names an earlier (pinned) stage
    where = f"FROM {image}" + (f" (= {resolved})" if refs else "")
    if re.search(r":latest(@|$)", resolved) or (":" not in resolved.split("/")[-1] and "@" not in resolved):
        out.append(Finding(stage.line, "no-latest", f"{where}: uses the implicit or explicit `latest` tag"))
    if not re.search(r"@sha256:[0-9a-f]{64}$", resolved):
        out.append(Finding(stage.line, "pinned-base", f"{where}: pin the base image by @sha256 digest"))


def check_run(ins, out):
    if ins.keyword != "RUN":
        return
    # Each shell command of the RUN on its own, so one install cannot borrow
    # another's flag.
    commands = re.split(r"&&|\|\||;", ins.args)
    installs = [c for c in commands if re.search(r"\bapt(-get)?\s+(\S+\s+)*install\b", c)]
    for command in installs:
        if "--no-install-recommends" not in command:
            out.append(Finding(ins.line, "no-install-recommends",
                               "apt-get install without --no-install-recommends"))
    if re.search(r"\bapt(-get)?\s+(\S+\s+)*update\b", ins.args) and not installs:
        out.append(Finding(ins.line, "apt-update-alone",
                           "apt-get update in a RUN without an install: put both in one RUN"))


def check_stage_forms(ins, out):
    if ins.keyword in ("ENTRYPOINT", "CMD") and not is_exec_form(ins.args):
        out.append(Finding(ins.line, "exec-form",
                           f"{ins.keyword} {ins.args}: use the exec form [\"...\"] (no shell, signals reach the process)"))
    if ins.keyword == "HEALTHCHECK":
        _, _, command = ins.args.partition("CMD")
        if ins.args.strip().upper() != "NONE" and not is_exec_form(command.strip()):
            out.append(Finding(ins.line, "exec-form", "HEALTHCHECK CMD: use the exec form (the image may have no shell)"))


def check_secrets(ins, out):
    if ins.keyword == "ARG":
        names = [name for name, _ in arg_pairs(ins.args)]
    elif ins.keyword == "ENV":
        names = env_names(ins.args)
    else:
        return
    for name in names:
        if SECRET_NAME.search(name):
            out.append(Finding(ins.line, "no-secrets",
                               f"{ins.keyword} {name}: looks like a secret; build args and env persist in the image "
                               "(use a secret mount or runtime injection)"))


def check_final(stage, out):
    users = [ins for ins in stage.instructions if ins.keyword == "USER"]
    if not users:
        out.append(Finding(stage.line, "user-nonroot", "final stage has no USER: it would run as root"))
    else:
        last = users[-1]
        match = re.fullmatch(r"(\d+)(:(\d+))?", last.args)
        if not match:
            out.append(Finding(last.line, "user-nonroot",
                               f"USER {last.args}: use a numeric uid:gid (names need /etc/passwd and cannot be "
                               "verified as non-root)"))
        elif int(match.group(1)) == 0 or (match.group(3) is not None and int(match.group(3)) == 0):
            out.append(Finding(last.line, "user-nonroot", f"USER {last.args}: runs as root"))
    checks = [ins for ins in stage.instructions if ins.keyword == "HEALTHCHECK"]
    if not checks or checks[-1].args.strip().upper() == "NONE":
        out.append(Finding(stage.line, "healthcheck", "final stage has no HEALTHCHECK"))


def lint(text):
    instructions = parse(text)
    global_args, stages = split_stages(instructions)
    out = []
    if not stages:
        return [Finding(1, "syntax", "no FROM instruction")]
    for ins in instructions:
        check_secrets(ins, out)
    earlier = set()
    for stage in stages:
        check_from(stage, global_args, earlier, out)
        for ins in stage.instructions:
            check_run(ins, out)
            check_stage_forms(ins, out)
        if stage.name:
            earlier.add(stage.name)
    check_final(stages[-1], out)
    return sorted(out, key=lambda f: f.line)


def main(paths):
    if not paths:
        print("usage: dockerfile_lint.py Dockerfile...", file=sys.stderr)
        return 2
    failed = False
    for path in paths:
        try:
            with open(path, encoding="utf-8") as handle:
                text = handle.read()
        except OSError as error:
            print(f"{path}: cannot read: {error.strerror}", file=sys.stderr)
            return 2
        findings = lint(text)
        for f in findings:
            print(f"{path}:{f.line}: {f.rule}: {f.message}")
        failed = failed or bool(findings)
        if not findings:
            print(f"{path}: ok")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
