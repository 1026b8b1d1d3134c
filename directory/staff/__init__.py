"""The council staff curation area: ``/staff`` (HTML), ``/api/staff`` (JSON), comments and "You said, we did".

``create_app`` includes ``directory.staff.routes.router``; see that module.
"""
