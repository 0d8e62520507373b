"""The published query library: its catalogue, its HTTP API and OpenAPI, its command line."""
