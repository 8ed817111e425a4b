# Airbyte connector image of source-klarna (Debian bookworm, multi-stage).
# BASE: any Debian bookworm image; scripts/image.sh passes one made locally.
ARG BASE=debian:bookworm-slim
FROM ${BASE} AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      build-essential cmake libcaf-dev libcurl4-openssl-dev libssl-dev libboost-json1.81-dev \
      libboost-url1.81-dev libboost1.81-dev libcli11-dev catch2 libsqlite3-dev libpq-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cmake -S . -B /build -DCMAKE_BUILD_TYPE=Release \
 && cmake --build /build -j"$(nproc)" --target source-klarna

FROM ${BASE}
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      ca-certificates libcaf-core0.17 libcurl4 libboost-json1.81.0 libboost-url1.81.0 \
      libboost-container1.81.0 libsqlite3-0 libpq5 \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin \
 && useradd --create-home --uid 1000 airbyte \
 && mkdir -p /airbyte && chown airbyte:airbyte /airbyte
COPY --from=build /build/source-klarna /usr/local/bin/source-klarna
USER airbyte
WORKDIR /airbyte
ENV AIRBYTE_ENTRYPOINT="/usr/local/bin/source-klarna"
ENTRYPOINT ["/usr/local/bin/source-klarna"]
LABEL io.airbyte.name=airbyte/source-klarna-cpp
LABEL io.airbyte.version=0.1.0
