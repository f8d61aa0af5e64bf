# The app's image, for app servers and job workers alike (compose.yaml; docs/several-servers.md).
# An app server runs `gunicorn app:app` (gunicorn.conf.py), a worker `flask jobs worker`.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 FLASK_APP=app.py
WORKDIR /srv/vbe_learn
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
# The interface's translations are compiled here, not committed (docs/translations.md).
RUN pybabel compile -d vbe_learn/translations
RUN useradd --system --home-dir /srv/vbe_learn vbe && mkdir -p instance && chown vbe instance
USER vbe
EXPOSE 8000
CMD ["gunicorn", "app:app"]
