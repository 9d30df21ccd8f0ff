"""The outbox relay: publishes the services' outbox rows (services.runtime.outbox) to RabbitMQ.

A plain Python process (amqp, no eventlet, no gRPC): it imports no service's modules, only
services.runtime, and reads each outbox as a table of the shape services.runtime.outbox gives.
"""
