# Charter, production image: gunicorn for the web; the same image runs the Celery worker and beat
# (see docker-compose.yml). Configuration comes from the environment only (.env.example).

FROM python:3.12-slim AS build
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/opt/venv
RUN pip install --no-cache-dir uv==0.13.9
WORKDIR /app
# Dependencies first, in their own layer: they change far less often than the code.
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project
COPY . .
# Static files are collected (hashed and compressed for WhiteNoise) at build time; the
# placeholder secret and the throw-away data directory exist only for this step.
RUN DJANGO_SECRET_KEY=collectstatic-only CHARTER_DATA_DIR=/tmp/build-data \
    DJANGO_STATIC_ROOT=/app/staticfiles /opt/venv/bin/python manage.py collectstatic --noinput \
    && rm -rf /tmp/build-data \
    && /opt/venv/bin/python -m compileall -q /app

FROM python:3.12-slim
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    DJANGO_STATIC_ROOT=/app/staticfiles \
    CHARTER_DATA_DIR=/data \
    PORT=8000
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin charter \
    && mkdir -p /data \
    && chown charter:charter /data
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
WORKDIR /app
USER charter
# /data holds uploaded files and beat's schedule: mount a volume shared by web and worker.
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["python", "bin/healthcheck"]
# WEB_CONCURRENCY sets the number of gunicorn worker processes (gunicorn reads it itself).
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-", \
     "--forwarded-allow-ips", "*", "--timeout", "60", "--graceful-timeout", "30"]
