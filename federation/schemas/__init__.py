"""Marshmallow schemas for the JSON API; the OpenAPI document is built from them."""
