"""python -m warehouse: the Databricks-faithful SQL warehouse (started by scripts/workspace)."""

import logging
import signal
import sys
import threading

from . import settings as settings_module
from .http_server import Server
from .sessions import Warehouse
from .storage import Storage


def main():
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # Spark Connect's client logs every retry and warning; the warehouse's own log is enough.
    logging.getLogger("py4j").setLevel(logging.WARNING)
    settings = settings_module.load()
    storage = Storage(settings)
    storage.ensure_bucket()
    warehouse = Warehouse(settings, storage)
    warehouse.start()
    server = Server(settings, warehouse)

    def stop(signum, frame):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    logging.getLogger("warehouse").info(
        "serving SQL warehouses %s on 127.0.0.1:%d", ", ".join(settings.warehouses), settings.port)
    try:
        server.serve_forever(poll_interval=0.5)
    finally:
        warehouse.stop()
        server.server_close()


if __name__ == "__main__":
    main()
