"""Error pages for people and JSON errors for the API."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException


def init_errors(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if request.path.startswith("/api/"):
            response = jsonify(error=error.description, status=error.code)
            response.status_code = error.code or 500
            return response
        return render_template("errors/error.html", error=error), error.code
