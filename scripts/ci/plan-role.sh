#!/usr/bin/env bash
# Prints `arn=<role>` (a step output) for ENV's read-only plan role, taken
# from AWS_PLAN_ROLE_ARN_<ENV> (repository variables: a pull request's plan
# job runs in no GitHub environment). Never falls back to another env's role,
# which would fail on this env's state with an AccessDenied naming no cause.
#   scripts/ci/plan-role.sh ENV
# Exit: 0 with the role, or with no output when ENV is not dev and is not set
# up yet (a notice: its plan is skipped); 1 dev's variable is unset; 2 bad input.
set -euo pipefail
{ [ "$#" -eq 1 ] && [[ "$1" =~ ^[a-z][a-z0-9-]*$ ]]; } || { echo "usage: scripts/ci/plan-role.sh ENV" >&2; exit 2; }
env=$1
name=AWS_PLAN_ROLE_ARN_$(tr 'a-z-' 'A-Z_' <<<"$env")
arn=${!name:-}
if [ -n "$arn" ]; then
  [[ "$arn" =~ ^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$ ]] ||
    { echo "::error::repository variable $name is '$arn', not an IAM role ARN: set it to the $env platform's output plan_role_arn" >&2; exit 1; }
  echo "arn=$arn"
elif [ "$env" = dev ]; then
  echo "::error::repository variable $name is not set: set it to the dev platform's output plan_role_arn (README, Deploying to AWS from zero, step 4)" >&2
  exit 1
else
  echo "::notice::$env is not set up yet (repository variable $name is not set): its plan is skipped; set it as README step 7 says" >&2
fi
