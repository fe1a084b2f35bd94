"""The ceiling: a bare Flask "hello" route, served by gunicorn exactly like the forum."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, World!"
