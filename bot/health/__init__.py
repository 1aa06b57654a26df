"""Health and metrics of a running bot (platform-neutral): Prometheus counters, health facts, local status."""
