"""Linked-data pages: IRIs that resolve, the HTML pages for people, browsing, the query editor, the pictures."""
