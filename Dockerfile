# Multi-stage build: a Debian build stage, and a small runtime image that runs as a non-root
# user with only the shared libraries and the CA bundle reconcile needs.
FROM debian:bookworm AS build
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      cmake ninja-build g++ pkg-config libfyaml-dev libyaml-cpp-dev libboost1.81-dev libboost-json1.81-dev \
      libssl-dev libspdlog-dev libfmt-dev doctest-dev libcli11-dev tzdata \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cmake -S . -B /build -G Ninja -DCMAKE_BUILD_TYPE=Release -DRECONCILE_BUILD_TESTS=OFF \
 && cmake --build /build --target reconcile \
 && strip /build/reconcile

FROM debian:bookworm-slim
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      ca-certificates libfyaml0 libboost-json1.81.0 libssl3 libspdlog1.10 libfmt9 git \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 10001 reconcile
COPY --from=build /build/reconcile /usr/local/bin/reconcile
USER reconcile
WORKDIR /repo
ENTRYPOINT ["reconcile"]
CMD ["--help"]
