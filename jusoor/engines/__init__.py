"""Pure-Python engines: plain data in, plain data out, never Django.

Apps import engines; engines never import apps or Django (a test enforces it).
"""
