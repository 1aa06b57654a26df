"""Ingestion: turn source documents into quotable passages with speakers and locators."""
