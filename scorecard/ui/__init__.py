"""Streamlit glue: the cached connection, cached queries and the shared choosers. Pages call these."""
