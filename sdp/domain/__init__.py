"""The law and the rules of the procedure, as plain Python.

Nothing in this package imports Flask or SQLAlchemy: the rules can be read, tested and
reviewed on their own. Services, forms, the API and the legislators' view all read them.
"""
