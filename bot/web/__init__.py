"""The project's web server: the embeddable chat widget, its settings, example pages."""
