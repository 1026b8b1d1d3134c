"""What a benchmark records about the machine it ran on: CPUs, kernel, Python and the load average
(the machine is often shared, so figures are read together with the load)."""

from __future__ import annotations

import os
import platform
from pathlib import Path


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def describe() -> str:
    python = platform.python_version()
    return f"{os.cpu_count()} CPUs ({cpu_model()}), Linux {platform.release()}, Python {python}"


def load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())
