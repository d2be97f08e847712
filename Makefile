# Thin wrapper over Meson for the two commands in the README.
DB ?= varde.db
LISTEN ?= 127.0.0.1:8080

.PHONY: all build demo check deps clean bench

all: build

deps:
	@scripts/deps.sh

build: deps
	@[ -f build/build.ninja ] || meson setup build >/dev/null
	@ninja -C build

demo: build
	./build/varde demo --db $(DB)
	./build/varde serve --db $(DB) --listen $(LISTEN)

check:
	@scripts/deps.sh --tests
	@scripts/check.sh

bench: build
	@for b in bench/*/run; do [ -x $$b ] && $$b; done

clean:
	rm -rf build build-asan build-fuzz
