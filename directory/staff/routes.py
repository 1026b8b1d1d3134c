"""Every staff route in one router for ``create_app``: ``app.include_router(staff_router)``.

Importing this module also registers the staff tables on the shared ``Base`` metadata.
"""

from __future__ import annotations

from fastapi import APIRouter

from directory.staff import (  # noqa: F401  (tables: registers the staff tables on the metadata)
    accounts_pages,
    api,
    comments,
    comments_pages,
    gaps,
    history_pages,
    import_pages,
    pages,
    review,
    signin,
    tables,
    waiting_times,
)

router = APIRouter()
for part in (
    signin.public,
    signin.protected,
    pages.router,
    history_pages.router,
    review.router,
    waiting_times.router,
    comments_pages.router,
    comments.router,
    import_pages.router,
    gaps.router,
    accounts_pages.router,
    api.router,
):
    router.include_router(part)
