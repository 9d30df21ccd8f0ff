"""Alerts: deadlines running out, leaks, energy anomalies, contractors' data quality, faults nobody
acted on; kept in the database and sent to the log and a signed webhook.

Its parts import no nameko (``quitus alerts list`` runs in a plain process): only ``service.py``,
loaded by ``nameko run``, does.
"""
