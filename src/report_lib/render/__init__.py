"""Executed notebook to page: the HTML and PDF exporters, the browser, the templates.
A change here re-renders the reports without re-running them."""
