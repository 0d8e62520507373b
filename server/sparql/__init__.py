"""The SPARQL 1.1 Protocol: the endpoint, its request decoding, query scan, federation and descriptions."""
