"""The nameko side: scheduler, report workers, alerts (never in a process serving grpcio)."""
