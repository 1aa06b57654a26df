# Counterpoint: the bot with its bundled corpus and sentence-embedding model, on a slim Python, as a
# non-root user. `docker compose up` (compose.yaml) runs it with PostgreSQL; see README "Run it in a container".

FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
# the package and the data it carries (setup.py copies corpus/ and models/ into the wheel)
COPY pyproject.toml setup.py MANIFEST.in README.md LICENSE constraints.txt ./
COPY bot ./bot
COPY adapters ./adapters
COPY corpus ./corpus
COPY models ./models
# a non-editable install into its own venv, every dependency pinned by constraints.txt
RUN python -m venv /opt/counterpoint \
    && /opt/counterpoint/bin/pip install --no-cache-dir -c constraints.txt ".[postgres]"

FROM python:3.11-slim
ENV PATH=/opt/counterpoint/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DATA_DIR=/data \
    HEALTH_PORT=8080 \
    HEALTH_HOST=0.0.0.0 \
    SLACK_HOST=0.0.0.0
RUN useradd --system --uid 10001 --user-group --create-home --home-dir /home/counterpoint counterpoint \
    && mkdir /data && chown counterpoint:counterpoint /data
COPY --from=build /opt/counterpoint /opt/counterpoint
USER 10001:10001
WORKDIR /home/counterpoint
VOLUME ["/data"]
# 8080: /healthz and /metrics (HEALTH_PORT); 3000: Slack's HTTP mode (`run slack --port 3000`)
EXPOSE 8080 3000
# healthy = database reachable, platform connected and index loaded (/healthz answers 200, else 503)
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request as u; sys.exit(u.urlopen('http://127.0.0.1:%s/healthz' % os.environ['HEALTH_PORT'], timeout=4).status != 200)"]
ENTRYPOINT ["counterpoint"]
CMD ["run", "discord"]
