# One image for every Quitus service; the command picks the service.
FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 QUITUS_FACTORS_DIR=/app/factors
WORKDIR /app
COPY pyproject.toml README.md ./
COPY services ./services
COPY reports ./reports
COPY factors ./factors
RUN pip install --quiet . && useradd --system quitus
USER quitus
ENTRYPOINT ["quitus"]
