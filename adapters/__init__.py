"""Platform adapters that translate chat events into the core service and render its replies."""
