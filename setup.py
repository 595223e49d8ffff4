"""digest's one compiled part, three steps of the story sketch (``digest/stories.py``).

Optional: where it cannot be built (no C compiler), digest uses the same
function in Python, which gives the same bytes.
"""
from setuptools import Extension, setup

setup(ext_modules=[Extension("digest._sketch", ["csrc/_sketch.c"], optional=True)])
