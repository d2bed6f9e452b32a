"""The yardstick: a plain Flask "hello", served exactly like the app."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "hello"
