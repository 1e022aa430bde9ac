"""Handwritten runtime shared by every generated API version.

Dependencies point one way: generated code imports this package; this package never
imports generated code (it is handed the types it needs as arguments).
"""
