"""The HTTP service around quotesvc.core: app factory, settings, schemas, views, errors, observability."""
