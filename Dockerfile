# Build: docker build -t avg-loket .
# Run:   docker run -p 127.0.0.1:8080:8080 -v avg-data:/data avg-loket
# The base images are pinned; the Rust version is the one Cargo.toml's rust-version asks.
FROM rust:1.95.0-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends libpq-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# The dependencies first, in a layer of their own: a change to the sources reuses it.
COPY Cargo.toml Cargo.lock ./
COPY crates/letter-pdf/Cargo.toml crates/letter-pdf/
RUN mkdir -p src benches crates/letter-pdf/src crates/letter-pdf/benches \
    && echo 'fn main() {}' > src/main.rs && touch src/lib.rs && echo 'fn main() {}' > benches/register.rs \
    && touch crates/letter-pdf/src/lib.rs && echo 'fn main() {}' > crates/letter-pdf/benches/render.rs \
    && cargo build --release --locked \
    && rm -rf src benches crates/letter-pdf/src crates/letter-pdf/benches
COPY . .
# Newer than the placeholders, so that cargo builds avg-loket and its letter renderer again.
RUN touch src/main.rs src/lib.rs crates/letter-pdf/src/lib.rs \
    && cargo build --release --locked \
    && cp target/release/avg-loket /usr/local/bin/avg-loket

FROM debian:bookworm-20241111-slim
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /data --create-home avg
COPY --from=build /usr/local/bin/avg-loket /usr/local/bin/avg-loket
USER avg
WORKDIR /data
# Letters read /data/organisation.toml: mount it (start from organisation.example.toml).
ENV AVG_LOKET_LISTEN=0.0.0.0:8080 \
    AVG_LOKET_DATABASE_URL=sqlite:///data/avg-loket.db \
    AVG_LOKET_MAIL_URL=file:///data/mail-outbox \
    AVG_LOKET_ORGANISATION_FILE=/data/organisation.toml
EXPOSE 8080
STOPSIGNAL SIGTERM
ENTRYPOINT ["avg-loket"]
CMD ["serve"]
