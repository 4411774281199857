# FFO Twin — the two commands that matter: `make demo` and `make test`. Both install what is missing.
SHELL := /bin/bash
export PATH := /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$(PATH)

.PHONY: deps build lint unit contract integration test demo lab-up lab-down clean bench

node_modules/.package-lock.json: package-lock.json package.json
	npm ci --no-audit --no-fund
	@touch $@

deps: node_modules/.package-lock.json

build: deps
	npx tsc -p tsconfig.build.json
	node scripts/build-web.mjs

lint: deps
	npx tsc --noEmit -p tsconfig.json
	npx eslint .
	npx prettier --check .
	npx madge --circular --extensions ts src

unit: deps
	npm run --silent test:unit

contract: deps
	npm run --silent test:contract

# Everything: static checks, unit and contract tests, then the real lab and the integration tests.
test: build lint
	bash scripts/test.sh

demo: build
	bash scripts/demo.sh

bench: build
	bash bench/discovery.sh
	FFO_BENCH_SKIP_BUILD=1 bash bench/transfer.sh
	bash bench/waves.sh
	bash bench/api.sh

lab-up: build
	node bin/ffo.js lab up

lab-down:
	bash lab/down.sh

clean:
	rm -rf dist coverage
