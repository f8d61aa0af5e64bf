"""The benchmarks' PostgreSQL helpers: is it there, and a fresh database of their own."""

PG_ADMIN_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres connect_timeout=3"


def postgres_available() -> str | None:
    """None when PostgreSQL answers, else why not."""
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_DSN) as connection:
            connection.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - any failure means "skip PostgreSQL"
        return f"{type(exc).__name__}: {str(exc).strip()}"
    return None


def postgres_database(name: str, create: bool) -> None:
    """Drop the database `name`, and create it anew when `create`."""
    import psycopg

    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        if create:
            connection.execute(f"CREATE DATABASE {name}")


def add_database_choice(parser) -> None:
    """--sqlite-only / --postgres-only (the default runs both)."""
    only = parser.add_mutually_exclusive_group()
    only.add_argument("--sqlite-only", action="store_true")
    only.add_argument("--postgres-only", action="store_true")


def add_city_arguments(parser) -> None:
    """The generated city's size and seed, and the database choice."""
    parser.add_argument("--employees", type=int, default=50_000)
    parser.add_argument("--administrations", type=int, default=25)
    parser.add_argument("--seed", type=int, default=2019)
    add_database_choice(parser)
