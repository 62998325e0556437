# Small image for operators: pinned base, dependencies from the lock, non-root user.
FROM python:3.11.7-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 HF_HUB_OFFLINE=1 HAVEN_DB_PATH=/data/haven.db \
    MPLCONFIGDIR=/tmp/matplotlib
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY bot ./bot
COPY adapters ./adapters
COPY content ./content
RUN useradd --system --uid 10001 haven && mkdir /data && chown haven /data
USER haven
VOLUME ["/data"]
CMD ["python", "-m", "bot", "run"]
