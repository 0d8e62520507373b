"""The SPARQL endpoint and linked-data server of the UNGASS knowledge graph: `python -m server`."""
