"""The HTTP routes, one module per concern; each handler parses, authorizes and calls the
service module that does the work, inside one database transaction."""
