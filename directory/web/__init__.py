"""Public HTML pages of the directory web app (the demo council page with the chat widget)."""
