.PHONY: setup demo test bench lint image

## setup: install Node packages and build the pinned Go parts into .tools/bin
setup:
	bash scripts/setup.sh

## demo: the main job: the example platform deployed on the embedded sandbox (baton up)
demo: setup
	node bin/baton.js up --no-build

## test: typecheck, lint and every test against the real parts
test:
	bash scripts/test.sh

## image: the worker image, built offline with podman on a Debian base made by mmdebstrap (docs/container.md)
image: setup
	bash scripts/build-image.sh

## bench: planning speed and memory, as a table and JSON
bench: setup
	npm run --silent bench

lint:
	npm run --silent typecheck && npm run --silent lint
