"""Helpers for the deep-learning course: offline datasets, plots, widgets and checks.

Import the module you need by name; importing runs nothing::

    from helpers import checks, datasets, plotting, widgets
"""

__version__ = "0.1.0"
