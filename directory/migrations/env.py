"""Alembic environment: the engine comes from ``config.attributes`` (see ``directory.migrations``)."""

from __future__ import annotations

from alembic import context

from directory.migrations import target_metadata

config = context.config


def run_migrations_online() -> None:
    engine = config.attributes["engine"]
    with engine.begin() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata(),
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("Offline (SQL script) migrations are not supported; run `python -m directory migrate`.")
run_migrations_online()
