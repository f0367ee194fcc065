# billet's container image: the binary, the shared libraries it loads and the CA certificates,
# nothing else (no shell, no package manager); runs as 65532:65532 on a read-only root filesystem.
#   docker build -t billet:0.1.0 .
#
# The final stage is exactly the root filesystem scripts/image-rootfs.sh assembles in the build
# stage; tests/packaging/rootfs_test.sh assembles it the same way, runs billet from it alone, and
# checks this file still does so.
FROM debian:bookworm AS build
WORKDIR /src
COPY scripts/deps.sh scripts/deps.sh
RUN bash scripts/deps.sh image && rm -rf /var/lib/apt/lists/*
COPY . .
# The release build: profile-guided and link-time optimized (scripts/build-release.sh).
RUN bash scripts/build-release.sh build && build/billet version
RUN bash scripts/image-rootfs.sh build/billet /rootfs

FROM scratch
COPY --from=build /rootfs /
USER 65532:65532
EXPOSE 8443 9090
ENTRYPOINT ["/billet"]
CMD ["--help"]
