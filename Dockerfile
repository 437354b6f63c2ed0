# Build: docker build -t avg-loket .
# Run:   docker run -p 127.0.0.1:8080:8080 -v avg-data:/data avg-loket
FROM rust:1.95-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends libpq-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cargo build --release --locked && cp target/release/avg-loket /usr/local/bin/avg-loket

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /data --create-home avg
COPY --from=build /usr/local/bin/avg-loket /usr/local/bin/avg-loket
USER avg
WORKDIR /data
ENV AVG_LOKET_LISTEN=0.0.0.0:8080 \
    AVG_LOKET_DATABASE_URL=sqlite:///data/avg-loket.db \
    AVG_LOKET_MAIL_URL=file:///data/mail-outbox
EXPOSE 8080
STOPSIGNAL SIGTERM
ENTRYPOINT ["avg-loket"]
CMD ["serve"]
