"""Linked-data pages: IRIs that resolve, the HTML pages for people, the workbench, the pictures."""
