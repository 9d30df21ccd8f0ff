"""Container health probe: exit 0 when the local gRPC server reports SERVING.

    python -m services.runtime.healthcheck [host:port]

Without an argument it probes the port of the service named by the container's command,
from QUITUS_<SERVICE>_PORT (the first one set).
"""

import os
import sys

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc


def main() -> int:
    if len(sys.argv) > 1:
        address = sys.argv[1]
    else:
        ports = [v for k, v in os.environ.items() if k.startswith("QUITUS_") and k.endswith("_PORT")]
        if not ports:
            print("no QUITUS_<SERVICE>_PORT set and no address given", file=sys.stderr)
            return 2
        address = f"127.0.0.1:{ports[0]}"
    try:
        reply = health_pb2_grpc.HealthStub(grpc.insecure_channel(address)).Check(
            health_pb2.HealthCheckRequest(), timeout=3
        )
    except grpc.RpcError as exc:
        print(f"{address}: {exc.code().name}", file=sys.stderr)
        return 1
    return 0 if reply.status == health_pb2.HealthCheckResponse.SERVING else 1


if __name__ == "__main__":
    sys.exit(main())
