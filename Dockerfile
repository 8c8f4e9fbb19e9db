# The same package and entry point `make demo` runs (`therapists`), for docker-compose.yml.
FROM python:3.11-slim
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir .
EXPOSE 8000
CMD ["therapists", "serve", "--host", "0.0.0.0"]
