"""Our additions to the Rasa server: pipeline components, the redacting tracker store, and a faster check
of the action server's answers (action_validation.py), installed here when Rasa is already loaded."""

from rasa_addons import action_validation

action_validation.install(import_rasa=False)
