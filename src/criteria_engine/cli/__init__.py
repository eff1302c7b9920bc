"""The ``criteria-engine`` command line: a thin shell over the library.

Nothing outside this package (and ``__main__``) imports it.
"""

from .main import main

__all__ = ["main"]
