# One image for every Quitus service; the command picks the service.
FROM python:3.11-slim
# NUMBA_CACHE_DIR: where the export digest's compiled loop is kept (the installed package is not
# the service user's to write), compiled once per container instead of at every start
ENV PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 QUITUS_FACTORS_DIR=/app/factors NUMBA_CACHE_DIR=/var/cache/quitus/numba
WORKDIR /app
COPY pyproject.toml README.md ./
COPY services ./services
COPY reports ./reports
COPY factors ./factors
# the workers extra: nameko and eventlet for the scheduler, report workers and alerts (same image,
# other command); setuptools < 82 because nameko's CLI imports pkg_resources
RUN pip install --quiet ".[workers]" && useradd --system quitus \
    && mkdir -p /var/lib/quitus/secrets /var/cache/quitus/numba \
    && chown quitus /var/lib/quitus/secrets /var/cache/quitus/numba
USER quitus
ENTRYPOINT ["quitus"]
