"""deploy.yml's function jobs: after the image deploy, as the deploy role, only
for the environments FUNCTION_ENVS lists, through scripts/ci/function-from-image.sh
(the image's own /server). The workflow rules every job keeps (pins, timeouts,
concurrency, OIDC) are the workflows suite's."""
import os
import unittest

import yaml

from tests.lib import ROOT

WORKFLOW = os.path.join(ROOT, ".github", "workflows", "deploy.yml")


class FunctionJobs(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(WORKFLOW) as f:
            cls.jobs = yaml.safe_load(f)["jobs"]

    def test_one_job_per_environment_after_the_image_deploy(self):
        for env in ("dev", "prod"):
            with self.subTest(env=env):
                job = self.jobs[f"function-{env}"]
                self.assertEqual(job["environment"]["name"], env)
                self.assertEqual(job["env"]["DEPLOY_ENV"], env)
                self.assertEqual(job["concurrency"], {"group": f"function-{env}", "cancel-in-progress": False})
                needs = [job["needs"]] if isinstance(job["needs"], str) else job["needs"]
                image_deploys = [n for n in needs if "scripts/deploy.sh" in str(self.jobs[n].get("steps"))]
                self.assertTrue(image_deploys, f"function-{env} must run after the image deploy: needs {needs}")
                # Only where the function root is enabled, and only from main.
                self.assertIn(f"contains(fromJSON(vars.FUNCTION_ENVS || '[]'), '{env}')", job["if"])
                self.assertIn("github.ref == 'refs/heads/main'", job["if"])

    def test_deploys_the_images_binary_as_the_deploy_role(self):
        for env in ("dev", "prod"):
            with self.subTest(env=env):
                job = self.jobs[f"function-{env}"]
                steps = job["steps"]
                creds = next(s for s in steps if s.get("uses", "").startswith("aws-actions/configure-aws-credentials@"))
                self.assertEqual(creds["with"]["role-to-assume"], "${{ vars.AWS_DEPLOY_ROLE_ARN }}")
                self.assertEqual(job["permissions"], {"contents": "read", "id-token": "write"})
                runs = [s.get("run", "") for s in steps]
                deploy = next(r for r in runs if r.startswith("scripts/ci/function-from-image.sh"))
                self.assertEqual(deploy, 'scripts/ci/function-from-image.sh --env "$DEPLOY_ENV" --image "$IMAGE" --commit "$DEPLOY_TAG"')
                # The same commit (or rollback tag) the image job deployed.
                self.assertEqual(job["env"]["DEPLOY_TAG"], "${{ inputs.image_tag || github.sha }}")
                # The service's SMOKE_URL is the load balancer's: never the function's smoke target.
                self.assertNotEqual(job["env"].get("SMOKE_URL"), "${{ vars.SMOKE_URL }}")
                # ECR login comes before the image is read.
                names = [s.get("uses", "").split("@")[0] or s.get("run", "") for s in steps]
                self.assertLess(names.index("aws-actions/amazon-ecr-login"), names.index(deploy))


if __name__ == "__main__":
    unittest.main()
