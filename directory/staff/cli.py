"""The CLI extension ``directory.cli`` looks for (``register``); the command lives in ``directory.cli_staff``."""

from directory.cli_staff import cmd_create_staff, create_staff, register

__all__ = ["cmd_create_staff", "create_staff", "register"]
