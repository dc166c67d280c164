# metahost: one binary, four HTTP surfaces, one raft-replicated state.
#
#   make run    build, then serve the embedded single-node default
#   make test   everything CI checks: formatting, vet, unit, fuzz seeds,
#               end-to-end tests against real processes, with -race
#
# Only Go is needed; anything else the tests use is installed by these rules.

GO       ?= go
BIN      := bin
VERSION  ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -X main.version=$(VERSION)
PKGS     := ./...
TESTFLAGS ?= -race -count=1 -timeout 25m

.PHONY: all build plugins run test vet fmt-check unit bench fuzz clean

all: build

build: plugins
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN)/metahost ./cmd/metahost
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN)/metahostctl ./cmd/metahostctl

# The first-party wasm plugins (compaction policies): plugins/NAME -> bin/plugins/NAME.wasm.
PLUGINS := $(patsubst plugins/%/,%,$(wildcard plugins/*/))
plugins:
	@mkdir -p $(BIN)/plugins
	@for p in $(PLUGINS); do \
	  echo "wasm  $(BIN)/plugins/$$p.wasm"; \
	  GOOS=wasip1 GOARCH=wasm CGO_ENABLED=0 $(GO) build -buildmode=c-shared -trimpath -o $(BIN)/plugins/$$p.wasm ./plugins/$$p || exit 1; \
	done

# Storage-vault providers (go-plugin processes): storage-providers/NAME -> bin/providers/NAME.
PROVIDERS := $(patsubst storage-providers/%/,%,$(filter-out storage-providers/internal/,$(wildcard storage-providers/*/)))
.PHONY: providers minio
build: providers
providers:
	@mkdir -p $(BIN)/providers
	@for p in $(PROVIDERS); do \
	  echo "go    $(BIN)/providers/$$p"; \
	  $(GO) build -trimpath -o $(BIN)/providers/$$p ./storage-providers/$$p || exit 1; \
	done

# MinIO for the provider tests, installed once into .cache/bin (gitignored).
MINIO_VERSION := v0.0.0-20260212201848-7aac2a2c5b7c
unit: minio
minio:
	@test -x .cache/bin/minio || { echo "installing MinIO $(MINIO_VERSION) into .cache/bin (first time: a few minutes)"; \
	  GOBIN=$(CURDIR)/.cache/bin $(GO) install github.com/minio/minio@$(MINIO_VERSION); }

# Regenerate sdk/pluginpb from plugin.proto (the generated code is committed;
# building never needs protoc). Installs protoc and the Go generators.
PROTOC_GEN_GO      := google.golang.org/protobuf/cmd/protoc-gen-go@v1.36.12
PROTOC_GEN_GO_GRPC := google.golang.org/grpc/cmd/protoc-gen-go-grpc@v1.3.0
.PHONY: proto
proto:
	@command -v protoc >/dev/null || { echo "installing protoc (Debian's protobuf-compiler)"; apt-get install -y protobuf-compiler; }
	GOBIN=$(CURDIR)/.cache/bin $(GO) install $(PROTOC_GEN_GO)
	GOBIN=$(CURDIR)/.cache/bin $(GO) install $(PROTOC_GEN_GO_GRPC)
	cd sdk/pluginpb && PATH=$(CURDIR)/.cache/bin:$$PATH protoc --go_out=. --go_opt=paths=source_relative \
	  --go-grpc_out=. --go-grpc_opt=paths=source_relative plugin.proto

run: build
	./$(BIN)/metahost serve

test: fmt-check vet unit

fmt-check:
	@out="$$(gofmt -l $$(git ls-files -co --exclude-standard '*.go'))"; \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet $(PKGS)

unit:
	$(GO) test $(TESTFLAGS) $(PKGS)

# Benchmarks named in the issues; figures go in the closing notes.
bench:
	$(GO) test -run '^$$' -bench . -benchmem $(PKGS)

# Run every fuzz target for FUZZTIME each (the seeds also run in `make test`).
FUZZTIME ?= 30s
fuzz:
	@for pkg in $$($(GO) list $(PKGS)); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg 2>/dev/null | grep '^Fuzz'); do \
	    echo "== $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

clean:
	rm -rf $(BIN)
