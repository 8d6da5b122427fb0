"""detente: open, self-hosted political event data.

Library first: ``detente.pipeline`` codes articles, ``detente.store`` keeps them,
``detente.analysis`` turns events into relations over time. The CLI (``detente.cli``),
HTTP API and Spark job are thin layers over these functions.
"""

__version__ = "0.1.0"
CODER_VERSION = f"detente-{__version__}"
