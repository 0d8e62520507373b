"""Read, validate and build: turns the curated Turtle in data/ into the store the server reads."""
