"""The Dockerfile checker: app/Dockerfile passes, and each rule fires on a
Dockerfile that breaks it (so the checker can fail)."""
import os
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "scripts", "container"))
import dockerfile_lint  # noqa: E402

DIGEST = "@sha256:" + "a" * 64

# A Dockerfile that breaks no rule; each bad case below changes one thing.
GOOD = f"""\
ARG BASE=debian:bookworm-slim{DIGEST}
FROM ${{BASE}} AS build
RUN apt-get update \\
 && apt-get install -y --no-install-recommends g++
FROM scratch
COPY --from=build /out/app /app
USER 65532:65532
HEALTHCHECK CMD ["/app", "--healthcheck"]
ENTRYPOINT ["/app"]
"""


def rules(text):
    return sorted({f.rule for f in dockerfile_lint.lint(text)})


class RealDockerfile(unittest.TestCase):
    def test_app_dockerfile_passes(self):
        result = subprocess.run([sys.executable, os.path.join(ROOT, "scripts/container/dockerfile_lint.py"),
                                 os.path.join(ROOT, "app/Dockerfile")], capture_output=True, text=True)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)

    def test_good_example_passes(self):
        self.assertEqual(rules(GOOD), [])


class PinnedStageByArg(unittest.TestCase):
    """app/Dockerfile's shape: the pinned base on a FROM line of its own (which
    Dependabot reads), named by the ARG default the build stage uses."""

    STAGED = f"""\
ARG BASE=pinned
FROM --platform=$BUILDPLATFORM debian:bookworm-slim{DIGEST} AS pinned
FROM --platform=$BUILDPLATFORM ${{BASE}} AS build
RUN apt-get update \\
 && apt-get install -y --no-install-recommends g++
FROM scratch
COPY --from=build /out/app /app
USER 65532:65532
HEALTHCHECK CMD ["/app", "--healthcheck"]
ENTRYPOINT ["/app"]
"""

    def test_arg_naming_an_earlier_stage_passes(self):
        self.assertEqual(rules(self.STAGED), [])

    def test_arg_naming_no_stage_is_an_unpinned_image(self):
        self.assertIn("pinned-base", rules(self.STAGED.replace("ARG BASE=pinned", "ARG BASE=pinnd")))

    def test_the_pinned_stage_itself_is_checked(self):
        self.assertIn("pinned-base", rules(self.STAGED.replace(DIGEST, "")))


class EachRuleFires(unittest.TestCase):
    def assertFires(self, text, rule):
        found = rules(text)
        self.assertIn(rule, found, f"expected {rule}, got {found}")
        # Only the broken rule (and rules it implies) fire, so the test
        # proves that rule, not some other.
        self.assertLessEqual(set(found), {rule, "pinned-base", "no-latest"} if rule in ("pinned-base", "no-latest")
                             else {rule})

    def test_unpinned_tag(self):
        self.assertFires(GOOD.replace(DIGEST, ""), "pinned-base")

    def test_unpinned_direct_from(self):
        self.assertFires(GOOD.replace("FROM ${BASE}", "FROM debian:bookworm"), "pinned-base")

    def test_arg_without_default(self):
        self.assertFires(GOOD.replace(f"=debian:bookworm-slim{DIGEST}", ""), "pinned-base")

    def test_latest_tag(self):
        self.assertFires(GOOD.replace(f"bookworm-slim{DIGEST}", "latest"), "no-latest")

    def test_implicit_latest(self):
        self.assertFires(GOOD.replace(f"debian:bookworm-slim{DIGEST}", "debian"), "no-latest")

    def test_latest_even_with_digest(self):
        self.assertIn("no-latest", rules(GOOD.replace("bookworm-slim@", "latest@")))

    def test_install_recommends(self):
        self.assertFires(GOOD.replace(" --no-install-recommends", ""), "no-install-recommends")

    def test_second_install_without_flag(self):
        text = GOOD.replace("g++\n", "g++ && apt-get install -y cmake\n")
        self.assertFires(text, "no-install-recommends")

    def test_apt_get_flag_before_install(self):
        self.assertFires(GOOD.replace("apt-get install -y --no-install-recommends", "apt-get -y install"),
                         "no-install-recommends")

    def test_update_alone(self):
        text = GOOD.replace("RUN apt-get update \\\n && apt-get", "RUN apt-get update\nRUN apt-get")
        self.assertFires(text, "apt-update-alone")

    def test_shell_form_entrypoint(self):
        self.assertFires(GOOD.replace('ENTRYPOINT ["/app"]', "ENTRYPOINT /app"), "exec-form")

    def test_shell_form_cmd(self):
        self.assertFires(GOOD + "CMD /app --port 80\n", "exec-form")

    def test_shell_form_healthcheck(self):
        self.assertFires(GOOD.replace('CMD ["/app", "--healthcheck"]', "CMD /app --healthcheck"), "exec-form")

    def test_no_user(self):
        self.assertFires(GOOD.replace("USER 65532:65532\n", ""), "user-nonroot")

    def test_root_user(self):
        self.assertFires(GOOD.replace("USER 65532:65532", "USER 0"), "user-nonroot")

    def test_root_group(self):
        self.assertFires(GOOD.replace("USER 65532:65532", "USER 65532:0"), "user-nonroot")

    def test_named_user(self):
        self.assertFires(GOOD.replace("USER 65532:65532", "USER nobody"), "user-nonroot")

    def test_user_only_in_builder(self):
        text = GOOD.replace("USER 65532:65532\n", "").replace("AS build\n", "AS build\nUSER 1000\n")
        self.assertFires(text, "user-nonroot")

    def test_secret_arg(self):
        self.assertFires(GOOD + "ARG NPM_TOKEN\n", "no-secrets")

    def test_secret_env(self):
        self.assertFires(GOOD + "ENV DB_PASSWORD=hunter2 MODE=prod\n", "no-secrets")

    def test_secret_key_env_legacy_form(self):
        self.assertFires(GOOD + "ENV AWS_SECRET_ACCESS_KEY abc\n", "no-secrets")

    def test_api_key(self):
        self.assertFires(GOOD + "ARG API_KEY=x\n", "no-secrets")

    def test_harmless_names_pass(self):
        self.assertEqual(rules(GOOD + "ARG KEYBOARD=us\nENV MONKEY=1 PORT=5000\n"), [])

    def test_no_healthcheck(self):
        self.assertFires(GOOD.replace('HEALTHCHECK CMD ["/app", "--healthcheck"]\n', ""), "healthcheck")

    def test_healthcheck_none(self):
        self.assertFires(GOOD.replace('HEALTHCHECK CMD ["/app", "--healthcheck"]', "HEALTHCHECK NONE"),
                         "healthcheck")

    def test_cli_exit_code_and_location(self):
        with tempfile.NamedTemporaryFile("w", suffix=".Dockerfile", delete=False) as bad:
            bad.write(GOOD.replace("USER 65532:65532", "USER root"))
        try:
            result = subprocess.run([sys.executable, os.path.join(ROOT, "scripts/container/dockerfile_lint.py"),
                                     bad.name], capture_output=True, text=True)
        finally:
            os.unlink(bad.name)
        self.assertEqual(result.returncode, 1)
        self.assertIn(f"{bad.name}:7: user-nonroot:", result.stdout)

    def test_cli_missing_file(self):
        result = subprocess.run([sys.executable, os.path.join(ROOT, "scripts/container/dockerfile_lint.py"),
                                 "/nonexistent/Dockerfile"], capture_output=True, text=True)
        self.assertEqual(result.returncode, 2)
        self.assertIn("/nonexistent/Dockerfile: cannot read", result.stderr)


if __name__ == "__main__":
    unittest.main()
