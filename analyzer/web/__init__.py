"""`dkim-analyzer serve`: the local web page (app, routes, view, templates, static)."""
