"""Console adapter: a terminal chat with the service, and the plain-text reply renderer."""
