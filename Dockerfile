# Multi-stage build: a Debian build stage, and a small runtime image that runs as a non-root
# user with only the shared libraries and the CA bundle reconcile needs. reconcile never runs
# git, so the runtime image has none.
#
#   docker build -t reconcile .
#   # write a saved plan into the mounted repository as yourself, not as the image's user:
#   docker run --rm --user "$(id -u):$(id -g)" -v "$PWD:/repo" -e MIHU_API_URL -e MIHU_API_TOKEN \
#     reconcile plan --out plan.json
#
# In a GitHub Actions container job, run it as root (`options: --user root`): actions/checkout
# writes the workspace as root and fails under an unprivileged user (examples/ci/github).
FROM debian:bookworm AS build
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      cmake ninja-build g++ pkg-config libyaml-cpp-dev libfyaml-dev libboost1.81-dev libboost-json1.81-dev \
      libssl-dev libspdlog-dev libfmt-dev doctest-dev libcli11-dev tzdata \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cmake -S . -B /build -G Ninja -DCMAKE_BUILD_TYPE=Release -DRECONCILE_BUILD_TESTS=OFF \
 && cmake --build /build --target reconcile \
 && strip /build/reconcile

FROM debian:bookworm-slim
# The shared libraries of the YAML reader (libfyaml), Boost.JSON,
# OpenSSL, spdlog and fmt; the check below fails the build if the binary needs any other.
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      ca-certificates libfyaml0 libboost-json1.81.0 libssl3 libspdlog1.10 libfmt9 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 10001 reconcile
COPY --from=build /build/reconcile /usr/local/bin/reconcile
RUN if ldd /usr/local/bin/reconcile | grep 'not found'; then \
      echo "the runtime image lacks the shared libraries above" >&2; exit 1; \
    fi \
 && reconcile version
USER reconcile
WORKDIR /repo
ENTRYPOINT ["reconcile"]
CMD ["--help"]
