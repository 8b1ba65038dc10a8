.PHONY: setup demo test bench lint

## setup: install Node packages and build the pinned Go parts into .tools/bin
setup:
	bash scripts/setup.sh

## demo: the main job: the example platform deployed on the embedded sandbox (baton up)
demo: setup
	node bin/baton.js up --no-build

## test: typecheck, lint and every test against the real parts
test:
	bash scripts/test.sh

## bench: planning speed and memory, as a table and JSON
bench: setup
	npm run --silent bench

lint:
	npm run --silent typecheck && npm run --silent lint
